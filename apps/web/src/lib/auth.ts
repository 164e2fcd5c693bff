import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { jwt } from 'better-auth/plugins';
import { PostgresDialect, type Dialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { authSecret, webConfig, type WebConfig } from './server-config';

async function authDialect(config: WebConfig): Promise<Dialect> {
  if (config.authDatabaseUrl !== undefined) {
    return new PostgresDialect({ pool: new pg.Pool({ connectionString: config.authDatabaseUrl, max: 5 }) });
  }
  await mkdir(config.dataDir, { recursive: true });
  const pglite = new PGlite({ dataDir: config.dataDir });
  await pglite.waitReady;
  return new PGliteDialect(pglite);
}

function authOptions(config: WebConfig, dialect: Dialect, secret: string) {
  return {
    baseURL: config.authUrl,
    secret,
    database: { dialect, type: 'postgres' },
    emailAndPassword: { enabled: true, autoSignIn: true },
    // EdDSA tokens of 15 minutes; the API verifies them through this app's JWKS (/api/auth/jwks).
    plugins: [jwt()],
    telemetry: { enabled: false },
  } satisfies BetterAuthOptions;
}

export type Auth = ReturnType<typeof betterAuth<ReturnType<typeof authOptions>>>;

let started: Promise<Auth> | undefined;

/** Better Auth, its tables migrated first; made once per process, on first use (not at build time). */
export function getAuth(): Promise<Auth> {
  started ??= (async () => {
    const config = webConfig();
    const options = authOptions(config, await authDialect(config), await authSecret(config));
    // Before betterAuth(): it checks the schema as it starts, and would report the tables a first start lacks.
    await (await getMigrations(options)).runMigrations();
    return betterAuth(options);
  })();
  return started;
}
