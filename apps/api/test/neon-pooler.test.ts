import { sql } from 'kysely';
import { openDatabase } from '@todo/adapters';
import t, { type Test } from 'tap';
import { scratchDatabase, skipWithoutPostgres, TEST_DATABASE_URL } from '../../../packages/adapters/test/support/databases.js';
import { sharedPgBouncer } from '../../../packages/adapters/test/support/pgbouncer.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { bearer, TEST_SECRET } from './support/test-app.js';

/** Neon's two URLs: requests through the pooler (PgBouncer in transaction mode), sessions over the direct one. */

async function appWith(t: Test, env: Record<string, string>) {
  const app = await buildApp(
    loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', BETTER_AUTH_SECRET: TEST_SECRET, RATE_LIMIT_MAX: '0', MIGRATE_ON_START: 'true', ...env }),
  );
  t.teardown(() => app.close());
  return app;
}

async function tablesOf(url: string): Promise<string[]> {
  const connection = await openDatabase({ kind: 'postgres', url, poolMax: 1 });
  try {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables where table_schema = 'public' order by table_name
    `.execute(connection.db);
    return rows.map((row) => row.name);
  } finally {
    await connection.close();
  }
}

t.test('DATABASE_URL through the pooler, DATABASE_DIRECT_URL direct: the service migrates, starts and serves', { skip: skipWithoutPostgres }, async (t) => {
  const bouncer = await sharedPgBouncer(TEST_DATABASE_URL!);
  const database = await scratchDatabase(t);
  const app = await appWith(t, { DATABASE_URL: bouncer.url(database.name), DATABASE_DIRECT_URL: database.directUrl });
  const headers = bearer('neon-user');

  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'ready');
  const created = await app.inject({ method: 'POST', url: '/api/tasks', headers: { ...headers, 'idempotency-key': 'k1' }, payload: { title: 'Pooled' } });
  t.equal(created.statusCode, 201);
  const id = created.json<{ id: number }>().id;
  const replayed = await app.inject({ method: 'POST', url: '/api/tasks', headers: { ...headers, 'idempotency-key': 'k1' }, payload: { title: 'Pooled' } });
  t.equal(replayed.headers['idempotent-replayed'], 'true', 'an idempotent retry replays');
  const changed = await app.inject({ method: 'PATCH', url: `/api/tasks/${id}`, headers: { ...headers, 'if-match': String(created.headers.etag) }, payload: { completed: true } });
  t.equal(changed.statusCode, 200);
  t.same((await app.inject({ method: 'GET', url: '/api/tasks/stats', headers })).json(), { total: 1, completed: 1, pending: 0, overdue: 0 });
  t.equal((await app.inject({ method: 'DELETE', url: `/api/tasks/${id}`, headers })).statusCode, 204);
});

t.test('migrations run over DATABASE_DIRECT_URL, never through DATABASE_URL', { skip: skipWithoutPostgres }, async (t) => {
  const bouncer = await sharedPgBouncer(TEST_DATABASE_URL!);
  // Two databases, so that where each connection went shows: the pooled one is left as it was.
  const pooled = await scratchDatabase(t);
  const direct = await scratchDatabase(t);
  await appWith(t, { DATABASE_URL: bouncer.url(pooled.name), DATABASE_DIRECT_URL: direct.directUrl });
  t.same(await tablesOf(pooled.directUrl), [], 'nothing was created through the pooler');
  t.same(await tablesOf(direct.directUrl), ['change_feeds', 'idempotency_keys', 'kysely_migration', 'kysely_migration_lock', 'task_deletions', 'tasks']);
});
