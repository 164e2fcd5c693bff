import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Read when the server runs, never inlined by the build (Next inlines `process.env.NEXT_PUBLIC_…` written out in
// full): one build serves any API and any port.
const variable = (name: string): string | undefined => {
  const value = process.env[name]?.trim();
  return value === '' ? undefined : value;
};

export interface WebConfig {
  /** The Todo API's origin, handed to the browser. */
  readonly apiUrl: string;
  /** Better Auth's base URL: the origin browsers use for this app; its jwt() tokens carry it as `iss` and `aud`. */
  readonly authUrl: string;
  /** PostgreSQL for Better Auth's tables; unset: embedded PGlite under `dataDir`. */
  readonly authDatabaseUrl: string | undefined;
  readonly dataDir: string;
  readonly secret: string | undefined;
}

export function webConfig(): WebConfig {
  const port = variable('WEB_PORT') ?? variable('PORT') ?? '3000';
  return {
    apiUrl: (variable('NEXT_PUBLIC_API_URL') ?? 'http://localhost:8000').replace(/\/+$/, ''),
    authUrl: variable('BETTER_AUTH_URL') ?? `http://localhost:${port}`,
    authDatabaseUrl: variable('AUTH_DATABASE_URL'),
    dataDir: variable('AUTH_DATA_DIR') ?? join(process.cwd(), '.data', 'auth'),
    secret: variable('BETTER_AUTH_SECRET'),
  };
}

/**
 * BETTER_AUTH_SECRET, or one generated at random on first start and kept beside the embedded database, so that a
 * local `pnpm web` needs no setup and sessions survive a restart. Never a fixed default.
 */
export async function authSecret(config: WebConfig): Promise<string> {
  if (config.secret !== undefined) return config.secret;
  const file = join(config.dataDir, 'better-auth-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, secret, { mode: 0o600 });
    console.warn(`BETTER_AUTH_SECRET is not set: generated one in ${file}`);
    return secret;
  }
}
