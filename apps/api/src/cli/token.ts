import { parseArgs } from 'node:util';
import { mintDevelopmentToken } from '@todo/adapters';
import { loadConfig } from '../config.js';
import { developmentSecret } from '../dev-secret.js';
import { loadDotEnv } from '../environment.js';

const usage = 'usage: pnpm token <user-id> [--expires-in <seconds>]   (default: 3600)';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'expires-in': { type: 'string', default: '3600' } },
});
const userId = positionals[0];
const expiresInSeconds = Number(values['expires-in']);
if (!userId || !Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
  console.error(usage);
  process.exit(2);
}

loadDotEnv();
const config = loadConfig(process.env);
const secret = config.authSecret ?? (await developmentSecret(config.dataDir)).secret;
console.log(mintDevelopmentToken({ secret, userId, expiresInSeconds }));
