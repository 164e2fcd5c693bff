import { sql } from 'kysely';
import t from 'tap';
import { openDatabase } from '../src/index.js';
import { skipWithoutPostgres, TEST_DATABASE_URL } from './support/databases.js';

t.test('a PostgreSQL pool reports connections open, idle and queries waiting for one', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL!, poolMax: 1 });
  t.teardown(() => connection.close());
  t.same(connection.poolStats(), { total: 0, idle: 0, waiting: 0 }, 'nothing open before the first query');

  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding: () => void = () => {};
  const isHolding = new Promise<void>((resolve) => (holding = resolve));
  const transaction = connection.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    holding();
    await held;
  });
  await isHolding;
  const queued = sql`select 1`.execute(connection.db);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(connection.poolStats(), { total: 1, idle: 0, waiting: 1 }, 'the only connection is busy; one query waits');
  release();
  await Promise.all([transaction, queued]);
  t.same(connection.poolStats(), { total: 1, idle: 1, waiting: 0 }, 'idle again');
});

t.test('closing ends the pool, also when only the direct statement path used it', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL!, poolMax: 2 });
  await connection.run('select 1', []);
  t.equal(connection.poolStats().total, 1, 'one connection open, idle');
  await connection.close();
  t.same(connection.poolStats(), { total: 0, idle: 0, waiting: 0 }, 'none left open after close');
});

t.test('PGlite reports its single connection and no pool figures', async (t) => {
  const connection = await openDatabase({ kind: 'pglite', dataDir: null });
  t.teardown(() => connection.close());
  t.same(connection.poolStats(), { total: 1, idle: null, waiting: null });
});
