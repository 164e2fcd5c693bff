import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import t from 'tap';
import { compileStatement, StatementCache } from '../src/postgres/compiled-statement.js';

interface Schema {
  tasks: { id: number; user_id: string; title: string; tags: string[] };
}

const db = new Kysely<Schema>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

interface Args {
  readonly owner: string;
  readonly id: number;
  readonly tags: string[];
}

const build = (args: Args) =>
  db
    .updateTable('tasks')
    .set({ title: sql<string>`upper(${'fixed'})`, tags: args.tags })
    .where('id', '=', args.id)
    .where('user_id', '=', args.owner)
    .where(sql<boolean>`${args.owner} <> ''`);

t.test('a statement compiled once gives each call the SQL and parameters of building it with that call’s arguments', async (t) => {
  const statement = compileStatement(build);
  for (const args of [
    { owner: 'alice', id: 1, tags: ['a', 'b'] },
    { owner: 'bob', id: 42, tags: [] },
  ]) {
    const direct = build(args).compile();
    t.equal(statement.sql, direct.sql);
    t.same(statement.parametersOf(args), direct.parameters, `the parameters for ${args.owner}`);
  }
  t.same(statement.parametersOf({ owner: 'carol', id: 7, tags: ['x'] }), ['fixed', ['x'], 7, 'carol', 'carol'], 'constants stay, an argument used twice fills both places');
});

t.test('a statement cache builds each shape once and keeps at most its capacity', async (t) => {
  const cache = new StatementCache<Args>(2);
  let builds = 0;
  const statementFor = (shape: string) => cache.get(shape, () => (builds++, compileStatement(build)));
  const first = statementFor('a');
  t.equal(statementFor('a'), first, 'the same shape is built once');
  statementFor('b');
  statementFor('c');
  t.equal(builds, 3);
  t.not(statementFor('a'), first, 'the oldest shape was dropped when a third came');
  t.equal(builds, 4);
});
