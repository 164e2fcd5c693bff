import pg from 'pg';

export interface SeedSize {
  readonly users: number;
  readonly tasksPerUser: number;
}

/** What the load needs from the seed: each user's task ids (by user index), and the last seeded id. */
export interface SeededTasks {
  readonly taskIdsByUser: readonly (readonly number[])[];
  readonly lastSeededId: number;
}

const userIdWidth = (users: number): number => Math.max(4, String(users).length);

/** `user-0001` … : the `sub` of the token of user `index` (0-based). */
export const userIdOf = (index: number, users: number): string => `user-${String(index + 1).padStart(userIdWidth(users), '0')}`;

/** The URL with `application_name` set, so that the server's backends can be told apart in `pg_stat_activity`. */
export function withApplicationName(url: string, applicationName: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', applicationName);
  return parsed.href;
}

/** Creates the database named by `url` when it does not exist, through the server's `postgres` database. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (name === '') throw new Error(`BENCH_DATABASE_URL names no database: ${url}`);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.href });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** Every run starts from an empty `public` schema: the migrations then recreate the tables and extensions. */
export async function resetSchema(client: pg.Client): Promise<void> {
  await client.query('drop schema if exists public cascade');
  await client.query('create schema public');
}

const VERBS = ['Buy', 'call', 'Email', 'fix', 'Review', 'plan', 'Write', 'pay', 'Book', 'clean', 'Renew', 'ask'];
const OBJECTS = [
  'groceries',
  'Alice',
  'the quarterly report',
  'bug in login',
  'invoice',
  'dentist',
  'taxes',
  'garage door',
  'slides for Monday',
  'flights',
  'passport',
  'Bob about the lease',
  'insurance',
];
const SENTENCES = [
  'Some details about this task.',
  'Check the numbers twice before sending.',
  'Ask for a receipt and file it under finance.',
  'Needs an answer before the end of the week.',
  'Bring the documents from the drawer in the office.',
  'Compare three offers first; the cheapest is not always the best.',
];
/** Tags, with how often a task carries each: `urgent` is rare, `work` and `home` common. */
const TAG_POOL: readonly (readonly [string, number])[] = [
  ['work', 0.35],
  ['home', 0.3],
  ['Errands', 0.15],
  ['finance', 0.1],
  ['health', 0.08],
  ['urgent', 0.03],
];

const textArray = (values: readonly string[]): string => `array[${values.map((value) => pg.escapeLiteral(value)).join(', ')}]`;

/**
 * Seeds `users × tasksPerUser` tasks in one INSERT … SELECT (fixed random seed), created over the last two years
 * in creation order (so one user's rows are spread over the heap, as in production): 30 % completed, 60 % edited
 * since, priorities high 20 % / medium 50 % / low 30 %, tags from TAG_POOL, a due date on 60 % (within 60 days
 * of creation, so old pending tasks are overdue), half with a description. Then VACUUM ANALYZE, as autovacuum
 * leaves a table in use.
 */
export async function seed(client: pg.Client, { users, tasksPerUser }: SeedSize): Promise<void> {
  const width = userIdWidth(users);
  const tagRows = TAG_POOL.map(([tag, share]) => `(${pg.escapeLiteral(tag)}, ${share})`).join(', ');
  await client.query('begin');
  await client.query('select setseed(0.42)');
  await client.query(`
    with generated as materialized (
      select 'user-' || lpad(((g - 1) % ${users} + 1)::text, ${width}, '0') as user_id,
        now() - random() * interval '730 days' as created_at,
        g
      from generate_series(1, ${users * tasksPerUser}) as g
    ), shaped as materialized (
      select
        user_id,
        created_at,
        case when random() < 0.6 then created_at + random() * (now() - created_at) else created_at end as updated_at,
        (${textArray(VERBS)})[1 + floor(random() * ${VERBS.length})::int] || ' ' ||
          (${textArray(OBJECTS)})[1 + floor(random() * ${OBJECTS.length})::int] || ' #' || g as title,
        case when random() < 0.5 then null else
          (${textArray(SENTENCES)})[1 + floor(random() * ${SENTENCES.length})::int] || ' ' ||
          (${textArray(SENTENCES)})[1 + floor(random() * ${SENTENCES.length})::int] end as description,
        random() < 0.3 as completed,
        case when random() < 0.2 then 3 when random() < 0.625 then 2 else 1 end as priority,
        array(
          select tag from (values ${tagRows}) as pool (tag, share)
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
  `);
  await client.query('commit');
  await client.query('vacuum (analyze) tasks');
}

export async function seededTasks(client: pg.Client, users: number): Promise<SeededTasks> {
  const { rows } = await client.query<{ user_id: string; ids: string[] }>(
    'select user_id, array_agg(id order by id)::text[] as ids from tasks group by user_id',
  );
  const byUser = new Map(rows.map((row) => [row.user_id, row.ids.map(Number)]));
  const taskIdsByUser = Array.from({ length: users }, (_, index) => byUser.get(userIdOf(index, users)) ?? []);
  const lastSeededId = taskIdsByUser.reduce((last, ids) => Math.max(last, ids.at(-1) ?? 0), 0);
  return { taskIdsByUser, lastSeededId };
}

/** Back to the seeded rows after a run that wrote: every run reads and writes a table of the same size. */
export async function removeTasksAfter(client: pg.Client, lastSeededId: number): Promise<void> {
  await client.query('delete from tasks where id > $1', [lastSeededId]);
  await client.query('vacuum (analyze) tasks');
}
