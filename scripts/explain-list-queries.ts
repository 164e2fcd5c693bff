/**
 * Shows how PostgreSQL plans the task list queries, on a realistic amount of data.
 *
 *   pnpm db:explain        (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   EXPLAIN_SUMMARY_ONLY=1 pnpm db:explain    (summary table only, no plans)
 *
 * In a throwaway schema it migrates, seeds 100,000 tasks over 1,000 users plus two heavy users with
 * 20,000 tasks each (one with few pending tasks, one with none), runs ANALYZE, then, for every sort × order × status and three pages (the first, one
 * after a cursor halfway down, one after a cursor 50 tasks before the end), captures the SQL and
 * parameters `KyselyTaskRepository.listOwned` sends (through Kysely's query log) and runs
 * `EXPLAIN (ANALYZE, BUFFERS)` on exactly that statement. The schema is dropped at the end, also on
 * failure or Ctrl-C.
 *
 * To try an index variant without touching the migrations, pass SQL to run after migrating and
 * before seeding, e.g.
 *   EXPLAIN_EXTRA_SQL='drop index tasks_user_created_idx; create index on tasks (user_id, created_at, id, completed)' pnpm db:explain
 */
import { randomBytes } from 'node:crypto';
import { KyselyTaskRepository, migrateToLatest, openDatabase, type DatabaseConnection } from '@todo/adapters';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';

type Schema = DatabaseConnection['db'] extends Kysely<infer D> ? D : never;
type ListQuery = Parameters<KyselyTaskRepository['listOwned']>[1];
type Owner = Parameters<KyselyTaskRepository['listOwned']>[0];
type Sort = ListQuery['sort'];
type Order = ListQuery['order'];
type Status = ListQuery['status'];
type Position = NonNullable<ListQuery['after']>;

const URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SUMMARY_ONLY = process.env['EXPLAIN_SUMMARY_ONLY'] === '1';
const EXTRA_SQL = process.env['EXPLAIN_EXTRA_SQL'];
const SCHEMA = `explain_${randomBytes(4).toString('hex')}`;

const USERS = 1_000;
const TASKS_PER_USER = 100;
const HEAVY_TASKS = 20_000;
const TYPICAL_USER = 'user-0500';
const HEAVY_USER = 'heavy-user';
/** A user with as many tasks as the heavy one, all completed: listing its pending tasks finds none. */
const DONE_USER = 'done-user';
/** What the use case asks the repository for: the default page size (100) plus one to know whether a next page exists. */
const LIMIT = 101;
/** How many tasks a `tail` cursor leaves after it. */
const TAIL = 50;

const SORTS: readonly Sort[] = ['created', 'updated', 'title'];
const ORDERS: readonly Order[] = ['asc', 'desc'];
const STATUSES: readonly Status[] = ['all', 'pending', 'completed'];

/** The same expressions the repository sorts by, to find where the `middle` and `tail` cursors point. */
const SORT_SQL: Record<Sort, string> = {
  created: 'created_at',
  updated: 'updated_at',
  title: 'lower(title collate "C")',
};

type Page = 'first' | 'middle' | 'tail';

interface Measurement {
  readonly user: string;
  readonly sort: Sort;
  readonly order: Order;
  readonly status: Status;
  readonly page: Page;
  readonly plan: string;
  readonly rows: number;
  readonly removed: number;
  readonly buffers: number;
  readonly ms: number;
}

const admin = new pg.Pool({ connectionString: URL, max: 1 });
let connection: DatabaseConnection | undefined;
let capture: Kysely<Schema> | undefined;
let capturePool: pg.Pool | undefined;
let cleaned: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    await capture?.destroy().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    try {
      await admin.query(`drop schema if exists ${SCHEMA} cascade`);
      log(`dropped schema ${SCHEMA}`);
    } catch (error) {
      console.error(`could not drop schema ${SCHEMA}: ${String(error)}`);
    } finally {
      await admin.end();
    }
  })();
  return cleaned;
}

function log(message: string): void {
  console.error(`-- ${message}`);
}

let interrupted = false;

process.once('SIGINT', () => {
  interrupted = true;
  log('interrupted');
  void cleanup().finally(() => process.exit(130));
});

async function seed(db: Kysely<Schema>): Promise<void> {
  // One INSERT … SELECT, in creation order so ids grow with created_at as they would in production.
  // Typical users: 100 tasks each, created over the last two years, ~30% completed, ~60% edited after creation.
  // The heavy user: 20,000 tasks over the same span; like a long-time user, it has completed almost all of its
  // old tasks (97% of those older than 60 days) and ~30% of its recent ones, so pending tasks are rare and recent.
  // The done user: 20,000 tasks, all completed.
  await db.transaction().execute(async (trx) => {
    await sql`select setseed(0.42)`.execute(trx);
    await sql`
      with generated as materialized (
        select
          'user-' || lpad(((g - 1) % ${sql.lit(USERS)} + 1)::text, 4, '0') as user_id,
          now() - random() * interval '730 days' as created_at,
          g,
          'typical' as kind
        from generate_series(1, ${sql.lit(USERS * TASKS_PER_USER)}) as g
        union all
        select ${sql.lit(HEAVY_USER)}, now() - random() * interval '730 days', g, 'heavy'
        from generate_series(1, ${sql.lit(HEAVY_TASKS)}) as g
        union all
        select ${sql.lit(DONE_USER)}, now() - random() * interval '730 days', g, 'done'
        from generate_series(1, ${sql.lit(HEAVY_TASKS)}) as g
      ), shaped as materialized (
        select
          user_id,
          created_at,
          case when random() < 0.6 then created_at + random() * (now() - created_at) else created_at end as updated_at,
          (array['Buy', 'call', 'Email', 'fix', 'Review', 'plan', 'Write', 'pay', 'Book', 'clean', 'Renew', 'ask'])
            [1 + floor(random() * 12)::int]
            || ' ' ||
          (array['groceries', 'Alice', 'the quarterly report', 'bug in login', 'invoice', 'dentist', 'taxes',
                 'garage door', 'slides for Monday', 'flights', 'passport', 'Bob about the lease', 'insurance'])
            [1 + floor(random() * 13)::int]
            || ' #' || g as title,
          case when random() < 0.5 then null else repeat('Some details about this task. ', 1 + floor(random() * 8)::int) end
            as description,
          case
            when kind = 'typical' then random() < 0.3
            when kind = 'done' then true
            when created_at < now() - interval '60 days' then random() < 0.97
            else random() < 0.3
          end as completed
        from generated
      )
      insert into tasks (user_id, title, description, completed, version, created_at, updated_at)
      select user_id, title, description, completed, case when updated_at > created_at then 2 else 1 end, created_at, updated_at
      from shaped
      order by created_at
    `.execute(trx);
  });
  await sql`analyze tasks`.execute(db);
}

/**
 * A cursor a client could hold: `middle`, the task halfway down the listing (after several pages);
 * `tail`, the task 50 before its end, so the next page comes back short and the scan runs to the end of
 * the user's range.
 */
async function cursorPosition(
  db: Kysely<Schema>,
  user: string,
  sort: Sort,
  order: Order,
  status: Status,
  where: 'middle' | 'tail',
): Promise<Position | undefined> {
  const filter = status === 'all' ? sql`` : sql`and completed = ${status === 'completed'}`;
  const direction = sql.raw(order);
  const column = sql.raw(SORT_SQL[sort]);
  const { rows } = await sql<{ id: string; value: Date | string }>`
    select id, ${column} as value from tasks
    where user_id = ${user} ${filter}
    order by ${column} ${direction}, id ${direction}
    offset (select ${where === 'middle' ? sql`count(*) / 2` : sql`greatest(count(*) - ${TAIL}, 0)`} from tasks where user_id = ${user} ${filter})
    limit 1
  `.execute(db);
  const row = rows[0];
  if (row === undefined) return undefined;
  // As `sortValueOf` does: ISO 8601 with milliseconds for timestamps, the lowered title for titles.
  const value = row.value instanceof Date ? row.value.toISOString() : row.value;
  return { value, id: Number(row.id) as Position['id'] };
}

function summarize(planText: string): Pick<Measurement, 'plan' | 'rows' | 'removed' | 'buffers' | 'ms'> {
  const lines = planText.split('\n');
  const nodes = lines
    .map((line) => /^\s*(?:->\s+)?(.+?)\s+\(cost=/.exec(line)?.[1])
    .filter((node) => node !== undefined && node !== 'Limit')
    // "Index Scan Backward using tasks_user_created_idx on tasks" → "Index Scan Backward tasks_user_created_idx".
    .map((node) => node!.replace(/ on tasks$/, '').replace(' using ', ' '));
  const top = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(lines[0] ?? '');
  const removed = [...planText.matchAll(/Rows Removed by Filter: (\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  const buffers = /Buffers: shared((?: \w+=\d+)+)/.exec(planText);
  const bufferCount = buffers ? [...buffers[1]!.matchAll(/=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0) : 0;
  const ms = /Execution Time: ([\d.]+) ms/.exec(planText);
  return {
    plan: nodes.join(' > '),
    rows: top ? Number(top[1]) : Number.NaN,
    removed,
    buffers: bufferCount,
    ms: ms ? Number(ms[1]) : Number.NaN,
  };
}

function table(measurements: readonly Measurement[]): string {
  const header = ['user', 'sort', 'order', 'status', 'page', 'plan', 'rows', 'removed', 'buffers', 'ms'];
  const body = measurements.map((m) => [
    m.user,
    m.sort,
    m.order,
    m.status,
    m.page,
    m.plan,
    String(m.rows),
    String(m.removed),
    String(m.buffers),
    m.ms.toFixed(3),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => row[column]!.length)));
  const numeric = new Set([6, 7, 8, 9]);
  const format = (row: readonly string[]): string =>
    row.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(format)].join('\n');
}

async function main(): Promise<void> {
  log(`database ${URL.replace(/\/\/[^@/]*@/, '//…@')}, schema ${SCHEMA}`);
  await admin.query(`create schema ${SCHEMA}`);
  connection = await openDatabase({ kind: 'postgres', url: URL, poolMax: 2, searchPath: SCHEMA });
  const { db } = connection;
  const { applied } = await migrateToLatest(db);
  log(`migrated: ${applied.join(', ')}`);
  if (EXTRA_SQL !== undefined && EXTRA_SQL.trim() !== '') {
    await sql.raw(EXTRA_SQL).execute(db);
    log(`ran EXPLAIN_EXTRA_SQL: ${EXTRA_SQL}`);
  }

  const started = performance.now();
  await seed(db);
  const { rows: counts } = await sql<{ users: string; tasks: string; completed: string; edited: string; invalid: string }>`
    select count(distinct user_id) as users, count(*) as tasks, count(*) filter (where completed) as completed,
      count(*) filter (where updated_at > created_at) as edited, count(*) filter (where updated_at < created_at) as invalid
    from tasks
  `.execute(db);
  log(`seeded and analyzed in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts[0])}`);
  const { rows: perUser } = await sql<{ user_id: string; tasks: string; completed: string }>`
    select user_id, count(*) as tasks, count(*) filter (where completed) as completed
    from tasks where user_id in (${TYPICAL_USER}, ${HEAVY_USER}, ${DONE_USER}) group by user_id order by user_id
  `.execute(db);
  for (const row of perUser) log(`${row.user_id}: ${row.tasks} tasks, ${row.completed} completed`);

  // A second Kysely on its own pool, same search path, whose log hook hands back each statement as sent.
  let captured: CompiledQuery | undefined;
  capturePool = new pg.Pool({ connectionString: URL, max: 1, options: `-c search_path=${SCHEMA}` });
  capture = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: capturePool }),
    log: (event) => {
      if (event.level === 'query') captured = event.query;
    },
  });
  const repository = new KyselyTaskRepository(capture);

  const measurements: Measurement[] = [];
  for (const user of [TYPICAL_USER, HEAVY_USER, DONE_USER]) {
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        for (const status of STATUSES) {
          // No cursor into an empty listing: only its first page is explained.
          const cursors: Record<Page, Position | null | undefined> = {
            first: null,
            middle: await cursorPosition(db, user, sort, order, status, 'middle'),
            tail: await cursorPosition(db, user, sort, order, status, 'tail'),
          };
          for (const [page, after] of Object.entries(cursors) as [Page, Position | null | undefined][]) {
            if (after === undefined) continue;
            const query: ListQuery = { status, sort, order, limit: LIMIT, after };
            captured = undefined;
            // Runs the query once (which also warms the cache, as in a running service) and captures it.
            await repository.listOwned(user as Owner, query);
            if (captured === undefined) throw new Error('the repository issued no query');
            const statement: CompiledQuery = captured;
            const { rows } = await capturePool.query<{ 'QUERY PLAN': string }>(
              `explain (analyze, buffers) ${statement.sql}`,
              [...statement.parameters],
            );
            const planText = rows.map((row) => row['QUERY PLAN']).join('\n');
            if (!SUMMARY_ONLY) {
              const label = `${user} sort=${sort} order=${order} status=${status} page=${page}`;
              const cursor = after === null ? '' : ` after=(${after.value}, ${after.id})`;
              console.log(`\n=== ${label}${cursor}`);
              console.log(statement.sql);
              console.log(`-- parameters: ${JSON.stringify(statement.parameters)}`);
              console.log(planText);
            }
            measurements.push({ user, sort, order, status, page, ...summarize(planText) });
          }
        }
      }
    }
  }

  const { rows: sizes } = await sql<{ name: string; size: string }>`
    select c.relname as name, pg_size_pretty(pg_relation_size(c.oid)) as size
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relname like 'tasks%'
    order by c.relkind desc, c.relname
  `.execute(db);

  console.log('\n=== summary (rows: returned; removed: rows removed by filter; buffers: shared hit+read; ms: execution time)');
  console.log(table(measurements));
  console.log(`\nrelation sizes: ${sizes.map((row) => `${row.name} ${row.size}`).join(', ')}`);
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  // Once interrupted, the pools are closing under the running query: its error is expected noise.
  if (!interrupted) console.error(error);
} finally {
  await cleanup();
}
