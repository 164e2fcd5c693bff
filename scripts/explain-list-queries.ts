/**
 * Shows how PostgreSQL plans the task list queries, on a realistic amount of data.
 *
 *   pnpm db:explain        (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   EXPLAIN_SUMMARY_ONLY=1 pnpm db:explain    (summary table only, no plans)
 *
 * In a throwaway schema it migrates, seeds 100,000 tasks over 1,000 users plus two heavy users with
 * 20,000 tasks each (one with few pending tasks, one with none), with priorities, tags and due dates,
 * runs VACUUM ANALYZE, then, for every sort × order × status and three pages (the first, one after a cursor
 * halfway down, one after a cursor 50 tasks before the end), and for a set of filters (priority, tags,
 * search, due range, overdue, combinations) under two sorts, captures the SQL and parameters
 * `KyselyTaskRepository` sends (through Kysely's query log) and runs `EXPLAIN (ANALYZE, BUFFERS)` on
 * exactly that statement. It does the same for the stats query and the two bulk writes (those inside a
 * transaction that is rolled back). The schema is dropped at the end, also on failure or Ctrl-C.
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
type Filters = Omit<ListQuery, 'status' | 'sort' | 'order' | 'limit' | 'after'>;

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

const SORTS: readonly Sort[] = ['created', 'updated', 'title', 'due_date', 'priority'];
const ORDERS: readonly Order[] = ['asc', 'desc'];
const STATUSES: readonly Status[] = ['all', 'pending', 'completed'];

/** The same expressions the repository sorts by, to find where the `middle` and `tail` cursors point. */
const SORT_SQL: Record<Sort, (order: Order) => string> = {
  created: () => 'created_at',
  updated: () => 'updated_at',
  title: () => 'lower(title collate "C")',
  due_date: (order) => `coalesce(due_date, '${order === 'asc' ? '' : '-'}infinity'::timestamptz)`,
  priority: () => 'priority',
};

/** Tags of the seed, with how often a task carries each: `urgent` is rare, `work` and `home` common. */
const TAG_POOL: readonly (readonly [string, number])[] = [
  ['work', 0.35],
  ['home', 0.3],
  ['Errands', 0.15],
  ['finance', 0.1],
  ['health', 0.08],
  ['urgent', 0.03],
];

/** Filters measured on the first page, each under the default sort and under sort=due_date asc. */
// Tag keys and search words as the application folds them: the seed's are ASCII, so lower case is enough.
function filterScenarios(now: Date): readonly { readonly label: string; readonly filters: Filters; readonly status?: Status }[] {
  const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
  return [
    { label: 'priority=high', filters: { priorities: ['high'] } },
    { label: 'priority=low,medium', filters: { priorities: ['low', 'medium'] } },
    { label: 'tag=work', filters: { tags: ['work'] } },
    { label: 'tag=urgent', filters: { tags: ['urgent'] } },
    { label: 'tag=work&tag=urgent', filters: { tags: ['work', 'urgent'] } },
    { label: 'q=dentist', filters: { words: ['dentist'] } },
    { label: 'q=quarterly report', filters: { words: ['quarterly', 'report'] } },
    { label: 'q=re', filters: { words: ['re'] } },
    { label: 'q=zzzz', filters: { words: ['zzzz'] } },
    { label: 'due in the next 7 days', filters: { dueAfter: now, dueBefore: days(7) } },
    { label: 'overdue=true', filters: { overdue: { value: true, now } } },
    { label: 'overdue=false', filters: { overdue: { value: false, now } } },
    { label: 'pending, high, tag=work', filters: { priorities: ['high'], tags: ['work'] }, status: 'pending' },
    { label: 'pending, q=invoice', filters: { words: ['invoice'] }, status: 'pending' },
  ];
}

type Page = 'first' | 'middle' | 'tail';

interface Measurement {
  readonly user: string;
  /** What was measured besides the plain list: filters, or `stats`, or a bulk write. */
  readonly filters: string;
  readonly sort: Sort | '';
  readonly order: Order | '';
  readonly status: Status | '';
  readonly page: Page | '';
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
  // Every task: priority high 20 %, medium 50 %, low 30 %; tags drawn from TAG_POOL; a due date on 60 % of
  // tasks, within 60 days either side of the task's creation (so old pending tasks are overdue).
  await db.transaction().execute(async (trx) => {
    // The service's pool cancels statements after 15 s; seeding on a busy machine can take longer.
    await sql`set local statement_timeout = 0`.execute(trx);
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
          end as completed,
          case when random() < 0.2 then 3 when random() < 0.625 then 2 else 1 end as priority,
          array(
            select tag from (values ${sql.join(TAG_POOL.map(([tag, share], i) => sql`(${sql.lit(i)}, ${sql.lit(tag)}, ${sql.lit(share)})`))})
              as pool (position, tag, share)
            where random() < pool.share + 0 * g
            order by lower(tag) collate "C"
          ) as tags,
          case when random() < 0.6 then created_at + (random() * 120 - 60) * interval '1 day' end as due_date
        from generated
      )
      insert into tasks (
        user_id, title, description, completed, version, created_at, updated_at,
        priority, tags, tag_keys, due_date, completed_at, title_folded, description_folded
      )
      select
        user_id, title, description, completed, case when updated_at > created_at then 2 else 1 end, created_at, updated_at,
        priority, tags, array(select lower(tag) from unnest(tags) as tag), due_date,
        case when completed then updated_at end,
        -- The seed's texts are ASCII, where lower() is exactly the application's foldCase.
        lower(title), lower(description)
      from shaped
      order by created_at
    `.execute(trx);
  });
  // As autovacuum leaves a table that has been in use: statistics, and a visibility map for index-only scans.
  await admin.query(`vacuum (analyze) ${SCHEMA}.tasks`);
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
  const column = sql.raw(SORT_SQL[sort](order));
  const { rows } = await sql<{ id: string; created_at: Date; updated_at: Date; title: string; due_date: Date | null; priority: number }>`
    select id, created_at, updated_at, title, due_date, priority from tasks
    where user_id = ${user} ${filter}
    order by ${column} ${direction}, id ${direction}
    offset (select ${where === 'middle' ? sql`count(*) / 2` : sql`greatest(count(*) - ${TAIL}, 0)`} from tasks where user_id = ${user} ${filter})
    limit 1
  `.execute(db);
  const row = rows[0];
  if (row === undefined) return undefined;
  // As `sortValueOf` does (the seed's titles are ASCII: lowering them is `titleSortKey`; NO_DUE_DATE for no date).
  const values: Record<Sort, string> = {
    created: row.created_at.toISOString(),
    updated: row.updated_at.toISOString(),
    title: row.title.toLowerCase(),
    due_date: row.due_date?.toISOString() ?? (order === 'asc' ? 'infinity' : '-infinity'),
    priority: String(row.priority),
  };
  return { value: values[sort], id: Number(row.id) as Position['id'] };
}

function summarize(planText: string): Pick<Measurement, 'plan' | 'rows' | 'removed' | 'buffers' | 'ms'> {
  const lines = planText.split('\n');
  const nodes = lines
    .map((line) => /^\s*(?:->\s+)?(.+?)\s+\(cost=/.exec(line)?.[1])
    .filter((node) => node !== undefined && node !== 'Limit')
    // "Index Scan Backward using tasks_user_created_idx on tasks" → "Index Scan Backward tasks_user_created_idx".
    .map((node) => node!.replace(/ on tasks$/, '').replace(' using ', ' '));
  const top = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(lines[0] ?? '');
  const removed = [...planText.matchAll(/Rows Removed by (?:Filter|Index Recheck): (\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
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
  const header = ['user', 'filters', 'sort', 'order', 'status', 'page', 'plan', 'rows', 'removed', 'buffers', 'ms'];
  const body = measurements.map((m) => [
    m.user,
    m.filters,
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
  const numeric = new Set([7, 8, 9, 10]);
  const format = (row: readonly string[]): string =>
    row.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(format)].join('\n');
}

async function main(): Promise<void> {
  log(`database ${URL.replace(/\/\/[^@/]*@/, '//…@')}, schema ${SCHEMA}`);
  await admin.query(`create schema ${SCHEMA}`);
  // Seeding 100,000 rows takes seconds: no per-statement timeout, unlike a request's.
  connection = await openDatabase({ kind: 'postgres', url: URL, poolMax: 2, searchPath: SCHEMA }, { queryTimeoutMs: null });
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
      // Transaction control (the rolled-back bulk writes) is not what is measured.
      if (event.level === 'query' && !/^(begin|commit|rollback)\b/i.test(event.query.sql)) captured = event.query;
    },
  });
  const repository = new KyselyTaskRepository(capture);

  const measurements: Measurement[] = [];
  /** Runs `action` (which issues one statement), then EXPLAIN (ANALYZE, BUFFERS) on the statement it sent. */
  async function explain(label: string, measured: Omit<Measurement, 'plan' | 'rows' | 'removed' | 'buffers' | 'ms'>, action: () => Promise<unknown>, write = false) {
    captured = undefined;
    // Runs the statement once (which also warms the cache, as in a running service) and captures it.
    await action();
    if (captured === undefined) throw new Error('the repository issued no query');
    const statement: CompiledQuery = captured;
    const client = await capturePool!.connect();
    try {
      // A write is explained inside a transaction that is rolled back: the data stays as seeded.
      if (write) await client.query('begin');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${statement.sql}`, [...statement.parameters]);
      if (write) await client.query('rollback');
      const planText = rows.map((row) => row['QUERY PLAN']).join('\n');
      if (!SUMMARY_ONLY) {
        console.log(`\n=== ${label}`);
        console.log(statement.sql);
        console.log(`-- parameters: ${JSON.stringify(statement.parameters)}`);
        console.log(planText);
      }
      measurements.push({ ...measured, ...summarize(planText) });
    } finally {
      client.release();
    }
  }

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
            const cursor = after === null ? '' : ` after=(${after.value}, ${after.id})`;
            await explain(`${user} sort=${sort} order=${order} status=${status} page=${page}${cursor}`, { user, filters: '', sort, order, status, page }, () =>
              repository.listOwned(user as Owner, query),
            );
          }
        }
      }
    }
  }

  const now = new Date();
  for (const user of [TYPICAL_USER, HEAVY_USER, DONE_USER]) {
    for (const { label, filters, status = 'all' } of filterScenarios(now)) {
      for (const [sort, order] of [['created', 'desc'], ['due_date', 'asc']] as const) {
        const query: ListQuery = { ...filters, status, sort, order, limit: LIMIT, after: null };
        await explain(`${user} ${label} status=${status} sort=${sort} order=${order}`, { user, filters: label, sort, order, status, page: 'first' }, () =>
          repository.listOwned(user as Owner, query),
        );
      }
    }
    await explain(`${user} stats`, { user, filters: 'stats', sort: '', order: '', status: '', page: '' }, () =>
      repository.countOwned(user as Owner, now),
    );
  }

  // Bulk writes last: a rolled-back write still clears the visibility map of the pages it touched, which
  // would turn later index-only scans into heap visits. Each statement is captured inside a transaction
  // that is rolled back, then explained the same way.
  for (const user of [TYPICAL_USER, HEAVY_USER, DONE_USER]) {
    const { rows: some } = await sql<{ id: string }>`select id from tasks where user_id = ${user} order by id desc limit 50`.execute(db);
    const ids = some.map((row) => Number(row.id) as Position['id']);
    const rolledBack = async (write: (trx: KyselyTaskRepository) => Promise<unknown>) => {
      await capture!
        .transaction()
        .execute(async (trx) => {
          await write(new KyselyTaskRepository(trx));
          throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
        });
    };
    await explain(
      `${user} complete 50 tasks`,
      { user, filters: 'PATCH /tasks/complete (50 ids)', sort: '', order: '', status: '', page: '' },
      () => rolledBack((trx) => trx.setCompletedManyOwned(user as Owner, ids, true, now)),
      true,
    );
    await explain(
      `${user} delete completed`,
      { user, filters: 'DELETE /tasks?status=completed', sort: '', order: '', status: '', page: '' },
      () => rolledBack((trx) => trx.deleteCompletedOwned(user as Owner, now)),
      true,
    );
  }

  const { rows: sizes } = await sql<{ name: string; size: string }>`
    select c.relname as name, pg_size_pretty(pg_relation_size(c.oid)) as size
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and (c.relname like 'tasks%' or c.relname like 'idempotency%')
    order by c.relkind desc, c.relname
  `.execute(db);

  console.log('\n=== summary (rows: returned; removed: rows removed by filter or index recheck; buffers: shared hit+read; ms: execution time)');
  console.log(table(measurements));
  console.log(`\nrelation sizes: ${sizes.map((row) => `${row.name} ${row.size}`).join(', ')}`);
}

class RolledBack extends Error {}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  // Once interrupted, the pools are closing under the running query: its error is expected noise.
  if (!interrupted) console.error(error);
} finally {
  await cleanup();
}
