/**
 * `pnpm bench:indexes`: what each index of `tasks` costs the writes, and what the list queries lose without it.
 *
 *   pnpm bench:indexes [--users 1000] [--tasks-per-user 100] [--duration 5] [--connections 8] [--no-explain] [--no-writes]
 *
 * On BENCH_DATABASE_URL's database (schema recreated, migrated, seeded as `pnpm bench` does), for each variant
 * (all indexes; each optional index dropped in turn; both GIN indexes with `fastupdate = off`; the primary key
 * only; without the tag rule's CHECK, the other per-row work of a write; all indexes again, to see the drift
 * of the machine):
 * - inserts, then updates, each for `--duration` seconds on `--connections` connections, through
 *   `KyselyTaskRepository` itself (the statements the service sends);
 * - measured: statements per second, latency p50/p99/max, the CPU of those PostgreSQL backends per statement
 *   (/proc), plus the CPU of flushing the GIN pending lists afterwards (`gin_clean_pending_list`): with
 *   `fastupdate` on, that part of an insert's index work is deferred, not saved; and how much each index grew.
 * After each run the table goes back to its seeded rows (`DELETE`, `VACUUM ANALYZE`) and the index is recreated.
 *
 * Then, unless `--no-explain`, it runs `scripts/explain-list-queries.ts` (343 list, filter and stats statements
 * on 140,000 tasks including two users with 20,000 each) once with every index and once per dropped index
 * (`EXPLAIN_EXTRA_SQL='drop index …'`), and reports which statements change plan and how many more buffers they read.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KyselyTaskRepository, migrateToLatest, openDatabase, type DatabaseConnection } from '@todo/adapters';
import pg from 'pg';
import { ensureDatabase, removeTasksAfter, resetSchema, seed, seededTasks, userIdOf, withApplicationName } from './bench-database.js';
import { cpuSecondsOf } from './processes.js';

type NewTask = Parameters<KyselyTaskRepository['insert']>[0];
type Owner = NewTask['userId'];
type TaskId = Parameters<KyselyTaskRepository['findOwned']>[1];

const ROOT = resolve(import.meta.dirname, '..');
const APPLICATION_NAME = 'bench-index-study';

/** Every index but the primary key: each must earn its place. */
const OPTIONAL_INDEXES = [
  'tasks_user_created_idx',
  'tasks_user_updated_idx',
  'tasks_user_title_idx',
  'tasks_user_priority_idx',
  'tasks_user_due_asc_idx',
  'tasks_user_due_desc_idx',
  'tasks_user_tags_idx',
  'tasks_user_search_idx',
] as const;
const GIN_INDEXES = ['tasks_user_tags_idx', 'tasks_user_search_idx'] as const;

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    'tasks-per-user': { type: 'string', default: '100' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    'no-explain': { type: 'boolean', default: false },
    'no-writes': { type: 'boolean', default: false },
  },
});
const USERS = Number(values.users);
const TASKS_PER_USER = Number(values['tasks-per-user']);
const DURATION_MS = Number(values.duration) * 1000;
const CONNECTIONS = Number(values.connections);
const URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/bench';

const log = (message: string) => console.error(`[indexes] ${message}`);

interface Variant {
  readonly label: string;
  readonly dropped: readonly string[];
  readonly ginFastUpdateOff: boolean;
  /** Drops the tag rule's CHECK (not an index, but the other per-row work every insert and update pays). */
  readonly withoutTagsCheck: boolean;
}

const variantOf = (label: string, changes: Partial<Omit<Variant, 'label'>> = {}): Variant => ({
  label,
  dropped: [],
  ginFastUpdateOff: false,
  withoutTagsCheck: false,
  ...changes,
});

const VARIANTS: readonly Variant[] = [
  variantOf('all indexes'),
  ...OPTIONAL_INDEXES.map((name) => variantOf(`without ${name}`, { dropped: [name] })),
  variantOf('GIN indexes with fastupdate = off', { ginFastUpdateOff: true }),
  variantOf('primary key only', { dropped: [...OPTIONAL_INDEXES] }),
  variantOf('all indexes, no task_tags_valid check', { withoutTagsCheck: true }),
  variantOf('all indexes (again: drift)'),
];

interface WriteFigures {
  readonly perSecond: number;
  readonly statements: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU of the backends that ran the statements, per statement. */
  readonly backendCpuMicros: number | null;
  /** CPU of flushing the GIN pending lists after the run, per statement. */
  readonly flushCpuMicros: number | null;
  /** Growth of each index over the run, bytes per statement. */
  readonly growthBytes: Readonly<Record<string, number>>;
}

const percentile = (sorted: readonly number[], share: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;

async function backendCpu(admin: pg.Client): Promise<number | null> {
  const { rows } = await admin.query<{ pid: number }>(
    'select pid from pg_stat_activity where application_name = $1 and datname = current_database()',
    [APPLICATION_NAME],
  );
  let total = 0;
  for (const { pid } of rows) {
    const seconds = cpuSecondsOf(pid);
    if (seconds === null) return null;
    total += seconds;
  }
  return total;
}

async function indexSizes(admin: pg.Client): Promise<Map<string, number>> {
  const { rows } = await admin.query<{ name: string; bytes: string }>(
    `select c.relname as name, pg_relation_size(c.oid) as bytes
     from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 'tasks'::regclass`,
  );
  return new Map(rows.map((row) => [row.name, Number(row.bytes)]));
}

/** Runs `statement` on every connection in a loop for the duration; measures what it cost. */
async function measureWrites(admin: pg.Client, statement: (worker: number, iteration: number) => Promise<unknown>): Promise<WriteFigures> {
  // One statement per connection first: every backend exists before the CPU is read.
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, worker) => statement(worker, -1)));
  const sizesBefore = await indexSizes(admin);
  const cpuBefore = await backendCpu(admin);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      for (let iteration = 0; performance.now() - started < DURATION_MS; iteration++) {
        const sent = performance.now();
        await statement(worker, iteration);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpuAfter = await backendCpu(admin);
  const flushCpu = await flushGinPendingLists(admin);
  const sizesAfter = await indexSizes(admin);
  latencies.sort((a, b) => a - b);
  const statements = latencies.length;
  return {
    perSecond: statements / elapsedSeconds,
    statements,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? 0,
    backendCpuMicros: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1e6) / statements,
    flushCpuMicros: flushCpu === null ? null : (flushCpu * 1e6) / statements,
    growthBytes: Object.fromEntries([...sizesAfter].map(([name, bytes]) => [name, (bytes - (sizesBefore.get(name) ?? 0)) / statements])),
  };
}

/** The insertions GIN deferred to its pending list, done now, on the admin connection: their CPU. */
async function flushGinPendingLists(admin: pg.Client): Promise<number | null> {
  const { rows } = await admin.query<{ pid: number }>('select pg_backend_pid() as pid');
  const pid = rows[0]!.pid;
  const before = cpuSecondsOf(pid);
  const { rows: present } = await admin.query<{ name: string }>(
    `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
     join pg_am am on am.oid = c.relam where i.indrelid = 'tasks'::regclass and am.amname = 'gin'`,
  );
  for (const { name } of present) await admin.query('select gin_clean_pending_list($1::regclass)', [name]);
  const after = cpuSecondsOf(pid);
  return before === null || after === null ? null : after - before;
}

const VERBS = ['Buy', 'Call', 'Email', 'Fix', 'Review', 'Plan', 'Write', 'Pay', 'Book', 'Clean', 'Renew', 'Ask'];
const OBJECTS = ['groceries', 'Alice', 'the quarterly report', 'the login bug', 'the invoice', 'the dentist', 'taxes', 'flights'];
const TAGS = ['errands', 'finance', 'health', 'home', 'urgent', 'work'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const title = (suffix: string) => `${pick(VERBS)} ${pick(OBJECTS)} ${suffix}`;

/** A task as the domain hands it to the repository: the same shape of data as `pnpm bench`'s creates. */
function newTask(owner: Owner): NewTask {
  const now = new Date();
  const description = Math.random() < 0.5 ? null : 'Check the numbers twice before sending. Needs an answer this week.';
  return {
    userId: owner,
    title: title(`#${Math.floor(Math.random() * 1e6)}`),
    description,
    completed: false,
    priority: pick(['low', 'medium', 'medium', 'high'] as const),
    tags: TAGS.filter(() => Math.random() < 0.25),
    dueDate: Math.random() < 0.4 ? null : new Date(now.getTime() + Math.round(Math.random() * 120 - 60) * 86_400_000),
    completedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Object definitions to recreate what a variant drops: indexes by name, the tags CHECK as `tasks_tags_check`. */
async function applyVariant(admin: pg.Client, variant: Variant, definitions: ReadonlyMap<string, string>, undo: boolean): Promise<void> {
  for (const name of variant.dropped) await admin.query(undo ? definitions.get(name)! : `drop index ${name}`);
  if (variant.ginFastUpdateOff) {
    for (const name of GIN_INDEXES) await admin.query(undo ? `alter index ${name} reset (fastupdate)` : `alter index ${name} set (fastupdate = off)`);
  }
  if (variant.withoutTagsCheck) {
    await admin.query(
      undo
        ? `alter table tasks add constraint tasks_tags_check ${definitions.get('tasks_tags_check')!}`
        : 'alter table tasks drop constraint tasks_tags_check',
    );
  }
  if (undo) await admin.query('vacuum (analyze) tasks');
}

interface ExplainRow {
  readonly key: string;
  readonly user: string;
  readonly plan: string;
  readonly buffers: number;
  readonly ms: number;
}

/** Runs the EXPLAIN study of the list queries, with `extraSql` after migrating; parses its summary table. */
function explainListQueries(extraSql: string): Promise<ExplainRow[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=@todo/source', '--import', 'tsx', resolve(ROOT, 'scripts/explain-list-queries.ts')], {
      env: { ...process.env, TEST_DATABASE_URL: URL, EXPLAIN_SUMMARY_ONLY: '1', EXPLAIN_EXTRA_SQL: extraSql },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`explain-list-queries failed (${code}):\n${stderr.slice(-4000)}`));
      else resolvePromise(parseSummary(stdout));
    });
  });
}

/** The summary is a fixed-width table: the dashes under the header give each column's span. */
function parseSummary(output: string): ExplainRow[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith('=== summary'));
  const dashes = lines[start + 2] ?? '';
  const spans: [number, number][] = [];
  for (const match of dashes.matchAll(/-+/g)) spans.push([match.index, match.index + match[0].length]);
  const rows: ExplainRow[] = [];
  for (const line of lines.slice(start + 3)) {
    if (line.trim() === '' || line.startsWith('relation sizes')) break;
    const cells = spans.map(([from, to], index) => line.slice(from, index === spans.length - 1 ? undefined : to).trim());
    const [user = '', filters = '', sort = '', order = '', status = '', page = '', plan = '', , , buffers = '0', ms = '0'] = cells;
    rows.push({ key: [user, filters, sort, order, status, page].join(' '), user, plan, buffers: Number(buffers), ms: Number(ms) });
  }
  return rows;
}

interface PlanImpact {
  readonly statements: number;
  readonly changed: number;
  readonly seqScans: number;
  /** Statements of the two 20,000-task users that now sort or filter a whole range instead of reading an index in order. */
  readonly bigUserSorts: number;
  readonly buffersRatio: number;
  readonly worst: string;
}

function planImpact(before: readonly ExplainRow[], after: readonly ExplainRow[]): PlanImpact {
  const byKey = new Map(before.map((row) => [row.key, row]));
  let changed = 0;
  let buffersBefore = 0;
  let buffersAfter = 0;
  let worst: { row: ExplainRow; was: ExplainRow; extra: number } | null = null;
  for (const row of after) {
    const was = byKey.get(row.key);
    if (was === undefined) continue;
    if (was.plan !== row.plan) changed += 1;
    buffersBefore += was.buffers;
    buffersAfter += row.buffers;
    const extra = row.buffers - was.buffers;
    if (worst === null || extra > worst.extra) worst = { row, was, extra };
  }
  const bigUser = (row: ExplainRow) => row.user === 'heavy-user' || row.user === 'done-user';
  return {
    statements: after.length,
    changed,
    seqScans: after.filter((row) => row.plan.includes('Seq Scan')).length,
    bigUserSorts: after.filter((row) => bigUser(row) && /^(Incremental )?Sort\b/.test(row.plan)).length - before.filter((row) => bigUser(row) && /^(Incremental )?Sort\b/.test(row.plan)).length,
    buffersRatio: buffersBefore === 0 ? 1 : buffersAfter / buffersBefore,
    worst:
      worst === null || worst.extra <= 0
        ? '—'
        : `${worst.row.key.replace(/\s+/g, ' ')}: ${worst.was.buffers} → ${worst.row.buffers} buffers, ${worst.was.ms} → ${worst.row.ms} ms (${worst.row.plan})`,
  };
}

const fixed = (value: number | null, digits = 0) => (value === null ? '—' : value.toFixed(digits));
const change = (value: number | null, reference: number | null) =>
  value === null || reference === null || reference === 0 ? '—' : `${value >= reference ? '+' : ''}${(((value - reference) / reference) * 100).toFixed(0)} %`;

interface VariantResult {
  readonly variant: Variant;
  readonly inserts: WriteFigures;
  readonly updates: WriteFigures;
}

function printWriteCosts(results: readonly VariantResult[], sizes: ReadonlyMap<string, number>): void {
  const reference = results[0];
  if (reference === undefined) return;
  const cost = (figures: WriteFigures) =>
    figures.backendCpuMicros === null ? null : figures.backendCpuMicros + (figures.flushCpuMicros ?? 0);
  console.log('## Write cost of each index\n');
  console.log(
    '| variant | inserts/s | Δ | insert CPU µs (statement + GIN flush) | Δ CPU | insert p99 / max ms | updates/s | Δ | update CPU µs (statement + GIN flush) | Δ CPU | update p99 / max ms |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const { variant, inserts, updates } of results) {
    console.log(
      `| ${variant.label} | ${Math.round(inserts.perSecond)} | ${change(inserts.perSecond, reference.inserts.perSecond)} | ` +
        `${fixed(cost(inserts))} (${fixed(inserts.backendCpuMicros)} + ${fixed(inserts.flushCpuMicros)}) | ${change(cost(inserts), cost(reference.inserts))} | ` +
        `${inserts.p99Ms.toFixed(1)} / ${inserts.maxMs.toFixed(0)} | ` +
        `${Math.round(updates.perSecond)} | ${change(updates.perSecond, reference.updates.perSecond)} | ` +
        `${fixed(cost(updates))} (${fixed(updates.backendCpuMicros)} + ${fixed(updates.flushCpuMicros)}) | ${change(cost(updates), cost(reference.updates))} | ` +
        `${updates.p99Ms.toFixed(1)} / ${updates.maxMs.toFixed(0)} |`,
    );
  }
  console.log('\n## Index size and growth per write (all indexes)\n');
  console.log('| index | size after seeding, MB | bytes per insert | bytes per update |');
  console.log('|---|--:|--:|--:|');
  for (const [name, bytes] of [...sizes].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(
      `| ${name} | ${(bytes / 2 ** 20).toFixed(1)} | ${Math.round(reference.inserts.growthBytes[name] ?? 0)} | ${Math.round(reference.updates.growthBytes[name] ?? 0)} |`,
    );
  }
}

async function main(): Promise<void> {
  await ensureDatabase(URL);
  const admin = new pg.Client({ connectionString: withApplicationName(URL, 'bench-index-admin') });
  await admin.connect();
  let connection: DatabaseConnection | undefined;
  try {
    await resetSchema(admin);
    connection = await openDatabase({ kind: 'postgres', url: withApplicationName(URL, APPLICATION_NAME), poolMax: CONNECTIONS });
    await migrateToLatest(connection.db);
    log(`seeding ${USERS} users × ${TASKS_PER_USER} tasks`);
    await seed(admin, { users: USERS, tasksPerUser: TASKS_PER_USER });
    const { taskIdsByUser, lastSeededId } = await seededTasks(admin, USERS);
    const { rows: definitionRows } = await admin.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes where tablename = 'tasks' and schemaname = current_schema()`,
    );
    const { rows: checkRows } = await admin.query<{ definition: string }>(
      `select pg_get_constraintdef(oid) as definition from pg_constraint where conname = 'tasks_tags_check' and conrelid = 'tasks'::regclass`,
    );
    const definitions = new Map([
      ...definitionRows.map((row): [string, string] => [row.name, row.definition]),
      ['tasks_tags_check', checkRows[0]!.definition],
    ]);
    const { rows: settings } = await admin.query<{ name: string; setting: string; unit: string | null }>(
      `select name, setting, unit from pg_settings where name in ('gin_pending_list_limit', 'shared_buffers', 'synchronous_commit', 'wal_level', 'fsync')`,
    );
    const { rows: ginOptions } = await admin.query<{ name: string; options: string[] | null }>(
      `select relname as name, reloptions as options from pg_class where relname = any($1)`,
      [[...GIN_INDEXES]],
    );
    const sizes = await indexSizes(admin);

    const repository = new KyselyTaskRepository(connection.db);
    const owners = Array.from({ length: USERS }, (_, index) => userIdOf(index, USERS) as Owner);
    const insert = () => repository.insert(newTask(pick(owners)));
    const update = async () => {
      const user = Math.floor(Math.random() * USERS);
      const id = pick(taskIdsByUser[user]!) as TaskId;
      await repository.updateOwned(owners[user]!, id, { title: title('(edited)'), completed: Math.random() < 0.5 }, new Date());
    };

    const results: VariantResult[] = [];
    for (const variant of values['no-writes'] ? [] : VARIANTS) {
      await applyVariant(admin, variant, definitions, false);
      const inserts = await measureWrites(admin, insert);
      await removeTasksAfter(admin, lastSeededId);
      const updates = await measureWrites(admin, update);
      await admin.query('vacuum (analyze) tasks');
      await applyVariant(admin, variant, definitions, true);
      results.push({ variant, inserts, updates });
      log(
        `${variant.label}: ${Math.round(inserts.perSecond)} inserts/s (${fixed(inserts.backendCpuMicros)} + ${fixed(inserts.flushCpuMicros)} µs CPU), ` +
          `${Math.round(updates.perSecond)} updates/s (${fixed(updates.backendCpuMicros)} + ${fixed(updates.flushCpuMicros)} µs CPU)`,
      );
    }

    printWriteCosts(results, sizes);

    if (!values['no-explain']) {
      log('EXPLAIN study with every index');
      const everyIndex = await explainListQueries('');
      console.log('\n## The list queries without each index (scripts/explain-list-queries.ts, 343 statements)\n');
      console.log('| dropped | plans changed | seq scans | more sorts (big users) | buffers read, × all indexes | statement hurt most |');
      console.log('|---|--:|--:|--:|--:|---|');
      for (const name of OPTIONAL_INDEXES) {
        log(`EXPLAIN study without ${name}`);
        const impact = planImpact(everyIndex, await explainListQueries(`drop index ${name}`));
        console.log(
          `| ${name} | ${impact.changed} of ${impact.statements} | ${impact.seqScans} | ${impact.bigUserSorts} | ${impact.buffersRatio.toFixed(2)} | ${impact.worst.replaceAll('|', '\\|')} |`,
        );
      }
    }

    console.log(`
Settings: ${USERS} users × ${TASKS_PER_USER} tasks seeded; ${CONNECTIONS} connections; ${DURATION_MS / 1000} s per run;
inserts and PATCH-like updates ({title, completed}) through KyselyTaskRepository; CPU from /proc of the PostgreSQL
backends (per statement), GIN flush = gin_clean_pending_list after the run; PostgreSQL ${settings
      .map((row) => `${row.name}=${row.setting}${row.unit ?? ''}`)
      .join(', ')}; GIN reloptions ${ginOptions.map((row) => `${row.name}: ${row.options?.join(',') ?? 'defaults (fastupdate on)'}`).join('; ')}.`);
  } finally {
    await connection?.close();
    await admin.end();
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
