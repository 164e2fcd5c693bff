import { InMemoryTaskRepository, mintDevelopmentToken, type DatabaseConnection, type HttpApp } from '@todo/adapters';
import type { Test } from 'tap';
import { isolatedPgBouncer, isolatedPglite, isolatedPostgres } from '../../../../packages/adapters/test/support/databases.js';
import { buildApp, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-production-0123456789';

/** Where the app keeps tasks: `pgbouncer` is PostgreSQL behind a pooler in transaction mode, as on Neon. */
export type Store = 'memory' | 'pglite' | 'postgres' | 'pgbouncer';

const DATABASES = { pglite: isolatedPglite, postgres: isolatedPostgres, pgbouncer: isolatedPgBouncer } as const;

export interface TestAppOptions {
  /** Environment variables on top of the test defaults (silent logs, no rate limit, no load shedding, the test secret). */
  readonly env?: Record<string, string>;
  readonly store?: Store;
  /** A database already set up (several instances on one database): `store` is then ignored. */
  readonly database?: DatabaseConnection;
  readonly overrides?: AppOverrides;
}

/** The real app, as main.ts builds it, on a store of its own; closed when the test ends. */
export async function testApp(t: Test, { env = {}, store = 'memory', database, overrides = {} }: TestAppOptions = {}): Promise<HttpApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BETTER_AUTH_SECRET: TEST_SECRET,
    RATE_LIMIT_MAX: '0',
    // A test machine running many test files lags now and then: shedding load there would fail unrelated tests.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MIGRATE_ON_START: 'false',
    ...env,
  });
  const storage: AppOverrides =
    database !== undefined
      ? { database }
      : store === 'memory'
      ? { tasks: new InMemoryTaskRepository() }
      : { database: overrides.database ?? (await DATABASES[store](t)) };
  const app = await buildApp(config, { ...storage, ...overrides });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

/** An HS256 token for `userId`, signed with the test secret, as a Next.js backend would mint it. */
export const tokenFor = (userId: string, expiresInSeconds = 3600): string =>
  mintDevelopmentToken({ secret: TEST_SECRET, userId, expiresInSeconds });

export const bearer = (userId: string) => ({ authorization: `Bearer ${tokenFor(userId)}` });
