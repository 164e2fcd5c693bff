import { parseArgs } from 'node:util';
import { mintDevelopmentToken } from '@todo/adapters';
import { ConfigError, loadConfig, type Config } from '../config.js';
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
let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}
if (config.authSecret === null && config.jwks !== null) {
  // The server makes no development secret when a JWKS is configured: a token signed with one would be refused.
  console.error('Only JWKS tokens are accepted here (no BETTER_AUTH_SECRET): get a token from Better Auth instead.');
  process.exit(1);
}
const secret = config.authSecret ?? (await developmentSecret(config.dataDir)).secret;
console.log(mintDevelopmentToken({ secret, userId, expiresInSeconds }));
