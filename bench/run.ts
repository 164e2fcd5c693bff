/**
 * `pnpm bench`: the service against a hand-written baseline (bench/baseline/server.ts), same database, same load.
 *
 *   pnpm bench [--duration 6] [--rounds 3] [--connections 50] [--warmup 2] [--users 100] [--tasks-per-user 100]
 *              [--scenarios list,get,create,update,mixed] [--targets service,baseline] [--pool-max 10]
 *              [--no-build] [--cpu-prof DIR]   (DIR/service.cpuprofile, DIR/baseline.cpuprofile: see pnpm bench:profile)
 *
 * Builds both, recreates the `public` schema of BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench,
 * created when missing), migrates it with the built service's migrate CLI, seeds users × tasks, starts both servers
 * as production runs them, then for each scenario runs autocannon against them in turn, alternating which goes
 * first, over several rounds, each run after a warm-up. Prints one markdown table and the settings. Figures are
 * printed, never asserted.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createSigner } from 'fast-jwt';
import pg from 'pg';
import {
  ensureDatabase,
  removeTasksAfter,
  resetSchema,
  seed,
  seededTasks,
  userIdOf,
  withApplicationName,
  type SeededTasks,
} from './bench-database.js';
import {
  cpuSecondsOf,
  freePort,
  memoryOf,
  runCommand,
  sampleRss,
  startServer,
  stopChild,
  stopChildrenOnSignals,
  type StartedServer,
} from './processes.js';
import { caveats, resultsTable, type ProcessFigures, type RunMeasurement, type TargetName } from './report.js';
import { LIST_PAGE_SIZE, MIXED_SHARES, requestSetup, SCENARIO_DESCRIPTIONS, SCENARIOS, WRITING_SCENARIOS, type Scenario, type Workload } from './scenarios.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSC = resolve(ROOT, 'node_modules/.bin/tsc');
const TARGETS = ['service', 'baseline'] as const satisfies readonly TargetName[];
const APPLICATION_NAMES: Record<TargetName, string> = { service: 'bench-service', baseline: 'bench-baseline' };
const TOKEN_LIFETIME_MS = 6 * 60 * 60 * 1000;

interface Options {
  readonly databaseUrl: string;
  readonly duration: number;
  readonly rounds: number;
  readonly connections: number;
  readonly warmup: number;
  readonly users: number;
  readonly tasksPerUser: number;
  readonly scenarios: readonly Scenario[];
  readonly targets: readonly TargetName[];
  readonly poolMax: number;
  readonly build: boolean;
  readonly cpuProfileDir: string | null;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '6' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2' },
      users: { type: 'string', default: '100' },
      'tasks-per-user': { type: 'string', default: '100' },
      scenarios: { type: 'string', default: SCENARIOS.join(',') },
      targets: { type: 'string', default: TARGETS.join(',') },
      'pool-max': { type: 'string', default: '10' },
      'no-build': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
    },
  });
  const positive = (name: string, raw: string, { allowZero = false } = {}): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`--${name} must be a positive number, not "${raw}"`);
    return value;
  };
  const listOf = <T extends string>(name: string, raw: string, allowed: readonly T[]): T[] => {
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0 || items.length === 0) throw new Error(`--${name}: choose from ${allowed.join(', ')} (got "${raw}")`);
    return items as T[];
  };
  return {
    databaseUrl: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/bench',
    duration: positive('duration', values.duration),
    rounds: Math.round(positive('rounds', values.rounds)),
    connections: Math.round(positive('connections', values.connections)),
    warmup: positive('warmup', values.warmup, { allowZero: true }),
    users: Math.round(positive('users', values.users)),
    tasksPerUser: Math.round(positive('tasks-per-user', values['tasks-per-user'])),
    scenarios: listOf('scenarios', values.scenarios, SCENARIOS),
    targets: listOf('targets', values.targets, TARGETS),
    poolMax: Math.round(positive('pool-max', values['pool-max'])),
    build: !values['no-build'],
    cpuProfileDir: values['cpu-prof'] === undefined ? null : resolve(values['cpu-prof']),
  };
}

const log = (message: string) => console.error(`[bench] ${message}`);

const isLocal = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** CPU seconds of each PostgreSQL backend serving `applicationName` (only for a server on this machine). */
async function backendCpu(client: pg.Client, applicationName: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where application_name = $1 and datname = current_database()',
    [applicationName],
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const seconds = cpuSecondsOf(pid);
    if (seconds !== null) cpu.set(pid, seconds);
  }
  return cpu;
}

/** Backends that appeared during the run count whole; those that left during it are lost (rare: the pools keep theirs). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

function serverSpecs(options: Options, secret: string, ports: Record<TargetName, number>): Record<TargetName, { args: string[]; env: NodeJS.ProcessEnv }> {
  const common = {
    PATH: process.env['PATH'],
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    BETTER_AUTH_SECRET: secret,
    DATABASE_POOL_MAX: String(options.poolMax),
  };
  const profile = (target: TargetName) =>
    options.cpuProfileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${target}.cpuprofile`];
  return {
    service: {
      args: [...profile('service'), resolve(ROOT, 'apps/api/dist/main.js')],
      env: {
        ...common,
        PORT: String(ports.service),
        HOST: '127.0.0.1',
        DATABASE_URL: withApplicationName(options.databaseUrl, APPLICATION_NAMES.service),
        RATE_LIMIT_MAX: '0',
      },
    },
    baseline: {
      args: [...profile('baseline'), resolve(ROOT, 'bench/baseline/dist/server.js')],
      env: { ...common, PORT: String(ports.baseline), DATABASE_URL: withApplicationName(options.databaseUrl, APPLICATION_NAMES.baseline) },
    },
  };
}

interface Response {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function call(server: StartedServer, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

const without = (value: unknown, fields: readonly string[]): unknown =>
  typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).filter(([key]) => !fields.includes(key))) : value;

/** The baseline must answer like the service: same bodies for the same rows, same statuses, the headers that matter. */
async function checkParity(service: StartedServer, baseline: StartedServer, token: string, taskId: number): Promise<string[]> {
  const problems: string[] = [];
  const compare = (label: string, a: Response, b: Response, ignored: readonly string[], headers: readonly string[]) => {
    if (a.status !== b.status) problems.push(`${label}: status ${a.status} (service) vs ${b.status} (baseline)`);
    const left = Array.isArray(a.body) ? a.body.map((item) => without(item, ignored)) : without(a.body, ignored);
    const right = Array.isArray(b.body) ? b.body.map((item) => without(item, ignored)) : without(b.body, ignored);
    if (!isDeepStrictEqual(left, right)) {
      problems.push(`${label}: bodies differ\n  service:  ${JSON.stringify(left).slice(0, 400)}\n  baseline: ${JSON.stringify(right).slice(0, 400)}`);
    }
    for (const header of headers) {
      if (a.headers.has(header) !== b.headers.has(header)) problems.push(`${label}: header ${header} only on one side`);
    }
  };
  const list = `/api/tasks?limit=${LIST_PAGE_SIZE}`;
  compare('list', await call(service, token, 'GET', list), await call(baseline, token, 'GET', list), [], ['link']);
  const get = `/api/tasks/${taskId}`;
  const [gotService, gotBaseline] = [await call(service, token, 'GET', get), await call(baseline, token, 'GET', get)];
  compare('get', gotService, gotBaseline, [], ['etag']);
  if (gotService.headers.get('etag') !== gotBaseline.headers.get('etag')) problems.push('get: ETags differ');
  const draft = { title: '  Parity check  ', description: 'Both servers', priority: 'high', tags: ['Work', 'home', 'work'], due_date: '2030-01-31T17:00:00.000Z' };
  compare(
    'create',
    await call(service, token, 'POST', '/api/tasks', draft),
    await call(baseline, token, 'POST', '/api/tasks', draft),
    ['id', 'created_at', 'updated_at'],
    ['location', 'etag'],
  );
  const changes = { title: 'Parity check, edited', completed: true };
  compare(
    'update',
    await call(service, token, 'PATCH', get, changes),
    await call(baseline, token, 'PATCH', get, changes),
    ['updated_at'],
    ['etag'],
  );
  return problems;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const servers = new Map<TargetName, StartedServer>();
  stopChildrenOnSignals(() => log('interrupted: stopping the servers'));

  if (options.build) {
    log('building the service (pnpm build) and the baseline');
    await runCommand(TSC, ['-b', resolve(ROOT, 'apps/api/tsconfig.build.json')]);
    await runCommand(TSC, ['-p', resolve(ROOT, 'bench/baseline/tsconfig.json')]);
  }

  await ensureDatabase(options.databaseUrl);
  const admin = new pg.Client({ connectionString: withApplicationName(options.databaseUrl, 'bench-harness') });
  await admin.connect();
  const secret = randomBytes(32).toString('base64url');
  const ports = { service: await freePort(), baseline: await freePort() };
  const specs = serverSpecs(options, secret, ports);
  try {
    const { rows: versionRows } = await admin.query<{ server_version: string }>('show server_version');
    log(`recreating the schema of ${options.databaseUrl.replace(/\/\/[^@/]*@/, '//…@')} and migrating it`);
    await resetSchema(admin);
    await runCommand(process.execPath, [resolve(ROOT, 'apps/api/dist/cli/migrate.js')], specs.service.env);
    const seedStarted = performance.now();
    await seed(admin, options);
    const seeded: SeededTasks = await seededTasks(admin, options.users);
    log(`seeded ${options.users} users × ${options.tasksPerUser} tasks in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: TOKEN_LIFETIME_MS });
    const workload: Workload = {
      tokens: Array.from({ length: options.users }, (_, index) => sign({ sub: userIdOf(index, options.users) })),
      taskIdsByUser: seeded.taskIdsByUser,
    };

    const processes: Record<TargetName, ProcessFigures> = {
      service: { startupMs: null, idleRssBytes: null, peakRssBytes: null, failure: null },
      baseline: { startupMs: null, idleRssBytes: null, peakRssBytes: null, failure: null },
    };
    // One at a time, so that neither start-up competes with the other for the CPU.
    for (const target of options.targets) {
      const started = await startServer({ name: target, ...specs[target], port: ports[target] });
      if (!started.ok) {
        processes[target] = { ...processes[target], failure: started.reason };
        log(`${started.reason}; its output:\n${started.output || '(none)'}`);
        continue;
      }
      servers.set(target, started.server);
      await new Promise((settle) => setTimeout(settle, 1_000));
      processes[target] = { ...processes[target], startupMs: started.server.startupMs, idleRssBytes: memoryOf(started.server.pid, 'VmRSS') };
      log(`${target} ready in ${Math.round(started.server.startupMs)} ms (pid ${started.server.pid}, ${started.server.baseUrl})`);
    }
    if (servers.size === 0) throw new Error('no target started');

    const service = servers.get('service');
    const baseline = servers.get('baseline');
    const parity = service && baseline ? await checkParity(service, baseline, workload.tokens[0]!, workload.taskIdsByUser[0]![0]!) : [];
    if (service && baseline) {
      log(parity.length === 0 ? 'parity: list, get, create and update answer alike' : `parity problems:\n${parity.join('\n')}`);
    }

    const measureDatabase = isLocal(options.databaseUrl);
    const runs: RunMeasurement[] = [];
    const served: Record<TargetName, number> = { service: 0, baseline: 0 };
    let dirty = true;
    for (const scenario of options.scenarios) {
      for (let round = 0; round < options.rounds; round++) {
        // Whoever went first last time goes second now: neither always meets the warmer cache or the busier neighbour.
        const order = round % 2 === 0 ? options.targets : [...options.targets].reverse();
        for (const target of order) {
          const server = servers.get(target);
          if (server === undefined) continue;
          if (server.child.exitCode !== null || server.child.signalCode !== null) {
            log(`${target} has stopped; its output:\n${server.output.toString()}`);
            servers.delete(target);
            continue;
          }
          if (dirty) await removeTasksAfter(admin, seeded.lastSeededId);
          const load = { url: server.baseUrl, connections: options.connections, requests: [{ setupRequest: requestSetup(scenario, workload) }] };
          if (options.warmup > 0) served[target] += (await autocannon({ ...load, duration: options.warmup })).requests.total;
          const databaseBefore = measureDatabase ? await backendCpu(admin, APPLICATION_NAMES[target]) : null;
          const cpuBefore = cpuSecondsOf(server.pid);
          const rss = sampleRss(server.pid);
          const result = await autocannon({ ...load, duration: options.duration });
          const peakRssBytes = rss.stop();
          const cpuAfter = cpuSecondsOf(server.pid);
          const databaseAfter = measureDatabase ? await backendCpu(admin, APPLICATION_NAMES[target]) : null;
          dirty = WRITING_SCENARIOS.has(scenario);
          const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count = 0 }]) => [code, count]));
          const measurement: RunMeasurement = {
            target,
            scenario,
            requestsPerSecond: result.requests.average,
            p50Ms: result.latency.p50,
            p99Ms: result.latency.p99,
            requests: result.requests.total,
            durationSeconds: result.duration,
            non2xx: result.non2xx,
            errors: result.errors,
            statusCodes,
            serverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
            databaseCpuSeconds: databaseBefore === null || databaseAfter === null ? null : cpuBetween(databaseBefore, databaseAfter),
            peakRssBytes,
          };
          runs.push(measurement);
          served[target] += result.requests.total;
          log(
            `${scenario} round ${round + 1}/${options.rounds} ${target}: ${Math.round(measurement.requestsPerSecond)} req/s, ` +
              `p50 ${measurement.p50Ms} ms, p99 ${measurement.p99Ms} ms${measurement.non2xx + measurement.errors > 0 ? `, ${measurement.non2xx} non-2xx, ${measurement.errors} errors` : ''}`,
          );
        }
      }
    }

    for (const [target, server] of servers) processes[target] = { ...processes[target], peakRssBytes: memoryOf(server.pid, 'VmHWM') };
    if (options.cpuProfileDir !== null) {
      for (const [target, server] of servers) {
        log(
          `${target}: ${options.cpuProfileDir}/${target}.cpuprofile covers ${served[target]} requests (warm-up included) after ` +
            `${Math.round(server.startupMs)} ms of start-up: pnpm bench:profile ${options.cpuProfileDir}/${target}.cpuprofile ` +
            `--skip-ms ${Math.round(server.startupMs)} --requests ${served[target]}`,
        );
      }
    }

    const cpu = cpus();
    console.log(`## Results (${startedAt.toISOString()})\n`);
    console.log(resultsTable(options.scenarios, runs, processes));
    const notes = [
      ...caveats(options.scenarios, runs),
      ...parity.map((problem) => `parity: ${problem}`),
      ...TARGETS.flatMap((target) => (processes[target].failure === null ? [] : [`${target}: ${processes[target].failure}`])),
    ];
    if (notes.length > 0) console.log(`\nCaveats:\n${notes.map((note) => `- ${note}`).join('\n')}`);
    console.log(`
Settings:
- machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, load average at start ${loadAtStart.map((load) => load.toFixed(2)).join(' ')}
- Node ${process.version}, PostgreSQL ${versionRows[0]?.server_version ?? '?'}, autocannon 9.0.0 in the harness process
- data: ${options.users} users × ${options.tasksPerUser} tasks (seeded, VACUUM ANALYZE), reset to the seed before each run after one that wrote
- load: ${options.connections} connections, ${options.duration} s per run after ${options.warmup} s of warm-up, ${options.rounds} round(s), targets alternating; each request picks one of ${options.users} users' HS256 tokens
- scenarios: ${options.scenarios.map((scenario) => `${scenario} = ${SCENARIO_DESCRIPTIONS[scenario]}`).join('; ')}
- mixed: ${JSON.stringify(MIXED_SHARES)}
- servers: NODE_ENV=production, LOG_LEVEL=warn, ${options.poolMax} PostgreSQL connections each; service: node apps/api/dist/main.js, RATE_LIMIT_MAX=0; baseline: node bench/baseline/dist/server.js${options.cpuProfileDir === null ? '' : `; both under --cpu-prof, profiles in ${options.cpuProfileDir}/<target>.cpuprofile`}
- figures: req/s, p50 and p99 are medians over the rounds; CPU per request is the process's (or its PostgreSQL backends') utime+stime over all rounds divided by all requests; ratios are service ÷ baseline (above 1 is better for req/s, worse for the rest)`);
  } finally {
    await Promise.all([...servers.values()].map((server) => stopChild(server.child)));
    await admin.end();
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
