import { Migrator, sql, type Kysely } from 'kysely';
import t, { type Test } from 'tap';
import { openDatabase, type DatabaseConnection } from '../src/index.js';
import { migrationProvider } from '../src/postgres/migrations/index.js';
import { isolatedPostgres, skipWithoutPostgres } from './support/databases.js';

const FIRST = '2026-11-21T00-00-create-tasks';

/** Tasks written before the organise-tasks migration keep working after it, and the migration can be undone. */
async function migrationTests(t: Test, connection: DatabaseConnection) {
  // The migrations run over Kysely<any>: the schema of another release than today's `Database` type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = connection.db as unknown as Kysely<any>;
  const { rows: current } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  // Named, so that Kysely does not take another schema's bookkeeping tables for this one's (see migrate.ts).
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: current[0]!.schema });
  // isolatedPostgres has migrated to the latest: step back to the first migration, as a database of the first release.
  const down = await migrator.migrateTo(FIRST);
  t.equal(down.error, undefined, 'migrates down to the first release');

  await sql`
    insert into tasks (user_id, title, description, completed, version, created_at, updated_at) values
      ('old-user', 'ÉCLAIRS for Monday', 'Ask ANNA', true, 3, '2026-01-01T00:00:00Z', '2026-01-02T10:00:00.123Z'),
      ('old-user', 'Pay rent', null, false, 1, '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z')
  `.execute(db);
  const up = await migrator.migrateToLatest();
  t.equal(up.error, undefined, 'migrates up again over existing rows');

  const { rows } = await sql<Record<string, unknown>>`
    select title, priority, tags, tag_keys, due_date, completed_at, title_folded, description_folded
    from tasks where user_id = 'old-user' order by id
  `.execute(db);
  t.same(rows, [
    {
      title: 'ÉCLAIRS for Monday',
      priority: 2,
      tags: [],
      tag_keys: [],
      due_date: null,
      completed_at: new Date('2026-01-02T10:00:00.123Z'),
      title_folded: 'éclairs for monday',
      description_folded: 'ask anna',
    },
    {
      title: 'Pay rent',
      priority: 2,
      tags: [],
      tag_keys: [],
      due_date: null,
      completed_at: null,
      title_folded: 'pay rent',
      description_folded: null,
    },
  ], 'existing tasks: medium priority, no tags or due date, completed_at from their last update, folded text');

  const violations: Record<string, ReturnType<typeof sql>> = {
    'completed without completed_at': sql`update tasks set completed_at = null where completed`,
    'completed_at on a pending task': sql`update tasks set completed_at = now() where not completed`,
    'an unknown priority': sql`update tasks set priority = 4`,
    'unsorted tag keys': sql`update tasks set tags = '{b,a}', tag_keys = '{b,a}'`,
    'a repeated tag key': sql`update tasks set tags = '{A,a}', tag_keys = '{a,a}'`,
    'a tag of 33 characters': sql`update tasks set tags = array[repeat('x', 33)], tag_keys = array[repeat('x', 33)]`,
    'an empty tag': sql`update tasks set tags = '{""}', tag_keys = '{""}'`,
    'a null tag': sql`update tasks set tags = array[null]::text[], tag_keys = '{a}'`,
    'a null tag key': sql`update tasks set tags = '{a}', tag_keys = array[null]::text[]`,
    'keys that do not match the tags': sql`update tasks set tags = '{a,b}', tag_keys = '{a}'`,
    '21 tags': sql`update tasks set tags = array(select 't' || lpad(g::text, 2, '0') from generate_series(1, 21) g), tag_keys = array(select 't' || lpad(g::text, 2, '0') from generate_series(1, 21) g)`,
    'a due date in year 10000': sql`update tasks set due_date = '10000-01-01T00:00:00Z'`,
    'a description without its folded form': sql`update tasks set description_folded = null where description is not null`,
  };
  for (const [name, statement] of Object.entries(violations)) {
    await t.rejects(statement.execute(db), { code: '23514' }, `a CHECK refuses ${name}`);
  }
  await t.resolves(sql`update tasks set tags = '{Home,work}', tag_keys = '{home,work}'`.execute(db), 'valid tags pass');

  const undo = await migrator.migrateTo(FIRST);
  t.equal(undo.error, undefined, 'the migration can be undone');
  t.equal((await sql<{ n: number }>`select count(*)::int as n from tasks where user_id = 'old-user'`.execute(db)).rows[0]?.n, 2, 'keeping the tasks');
  t.equal((await migrator.migrateToLatest()).error, undefined, 'and applied again');
}

t.test('on PGlite', async (t) => {
  const connection = await openDatabase({ kind: 'pglite', dataDir: null });
  t.teardown(() => connection.close());
  const { error } = await new Migrator({ db: connection.db, provider: migrationProvider }).migrateToLatest();
  t.equal(error, undefined);
  await migrationTests(t, connection);
});

t.test('on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  // The migrator waits for Kysely's lock, which other test files' migrations hold: no statement timeout, as in production.
  await migrationTests(t, await isolatedPostgres(t, { queryTimeoutMs: null }));
});
