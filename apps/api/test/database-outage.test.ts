import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { freePort } from '../../../packages/adapters/test/support/free-port.js';
import { serverBinaries, startPrivatePostgres } from './support/private-postgres.js';
import { bearer, TEST_SECRET } from './support/test-app.js';

/**
 * The service as it runs in production (its own process, a real port) while its database goes away and comes
 * back: the connections it holds are terminated mid-request, writes stall at COMMIT, the server is stopped
 * like a crash, then started again. Clients keep creating tasks with idempotency keys, retrying as a careful
 * frontend does. Nothing may end the process, hang, answer 500, or acknowledge a write that is not stored
 * exactly once.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));
const ANSWER_WITHIN_MS = 5_000;
const USER = 'outage-user';
const headers = { ...bearer(USER), 'content-type': 'application/json' };

interface Attempt {
  readonly key: string;
  /** When the request was sent. */
  readonly phase: string;
  readonly ms: number;
  readonly status: number | 'no answer';
  readonly replayed: boolean;
  readonly taskId: number | null;
  readonly problem: boolean;
  readonly retryAfter: string | null;
  readonly error?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startService(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=@todo/source', '--import=tsx', 'apps/api/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 30_000; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${output}`);
    if ((await fetch(`${url}/healthz`).catch(() => null))?.ok) return { child, url, output: () => output };
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not start:\n${output}`);
}

/** One request, timed; a request that takes longer than 10 s is abandoned and counts as no answer. */
async function timed(url: string, init: RequestInit = {}) {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    return { response, text, ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { response: undefined, text: '', ms: performance.now() - started, error: String(error) };
  }
}

/** The backends for which `where` holds, once there are at least `least` of them (or `withinMs` has passed). */
async function backends(admin: pg.Client, where: string, least: number, withinMs: number, values: unknown[] = []): Promise<number[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const { rows } = await admin.query<{ pid: number }>(`select pid from pg_stat_activity where ${where}`, values);
    if (rows.length >= least || Date.now() > until) return rows.map((row) => row.pid);
    await sleep(10);
  }
}

t.test('the database goes away under load and comes back', { skip: serverBinaries() === null ? 'no PostgreSQL server binaries under /usr/lib/postgresql' : false }, async (t) => {
  const postgres = await startPrivatePostgres(serverBinaries()!);
  t.teardown(() => postgres.destroy());
  const dataDir = await mkdtemp(join(tmpdir(), 'todo-outage-data-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const service = await startService({
    NODE_ENV: 'test',
    DATABASE_URL: postgres.url,
    DATABASE_POOL_MAX: '10',
    MIGRATE_ON_START: 'true',
    BETTER_AUTH_SECRET: TEST_SECRET,
    RATE_LIMIT_MAX: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
  });
  t.teardown(() => service.child.kill('SIGKILL'));

  let phase = 'steady';
  const began = Date.now();
  const mark = (name: string) => {
    phase = name;
    t.comment(`${name} at ${Date.now() - began} ms`);
  };
  let stopping = false;
  const attempts: Attempt[] = [];
  const record = (key: string, phase: string, response: Awaited<ReturnType<typeof timed>>): Attempt => {
    const body = response.response?.ok ? (JSON.parse(response.text) as { id: number }) : null;
    const attempt: Attempt = {
      key,
      phase,
      ms: response.ms,
      status: response.response?.status ?? 'no answer',
      replayed: response.response?.headers.get('idempotent-replayed') === 'true',
      taskId: body?.id ?? null,
      problem: response.response?.headers.get('content-type')?.startsWith('application/problem+json') ?? false,
      retryAfter: response.response?.headers.get('retry-after') ?? null,
      ...(response.error === undefined ? {} : { error: response.error }),
    };
    attempts.push(attempt);
    return attempt;
  };

  /** Creates tasks one after another; each key is retried, after 503, 409 or no answer, until it is created. */
  const writer = async (name: string) => {
    for (let n = 1; !stopping; n++) {
      const key = `${name}-${n}`;
      for (const giveUp = Date.now() + 30_000; Date.now() < giveUp; await sleep(100)) {
        const sentIn = phase;
        const attempt = record(
          key,
          sentIn,
          await timed(`${service.url}/api/tasks`, { method: 'POST', headers: { ...headers, 'idempotency-key': key }, body: JSON.stringify({ title: key }) }),
        );
        if (attempt.status === 201) break;
        // Anything else but these would be a failure of the test below: stop rather than hammer.
        if (![503, 409, 'no answer'].includes(attempt.status)) return;
      }
    }
  };
  const created = () => attempts.filter((attempt) => attempt.status === 201).length;
  const writers = Array.from({ length: 6 }, (_, i) => writer(`w${i}`));

  for (const until = Date.now() + 15_000; created() < 30 && Date.now() < until; ) await sleep(20);
  t.ok(created() >= 30, `writes go through before the outage (${created()})`);

  // 1. Writes whose COMMIT reached the server but whose answer never came back. Make commits wait for a standby
  // that does not exist (the writers keep writing: their next COMMITs wait, already stored), then terminate those
  // connections: each of these writes is stored, yet its request saw its connection die. Waiting for the backends
  // themselves, rather than for a fixed time, keeps this step right however long the reload takes to reach them.
  mark('commit lost');
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`alter system set synchronous_standby_names = 'nobody_is_listening'`);
  await admin.query('select pg_reload_conf()');
  const atCommit = await backends(admin, `wait_event = 'SyncRep' and application_name = 'todo-api'`, 1, 10_000);
  t.ok(atCommit.length >= 1, `${atCommit.length} of them committed and wait for the standby`);
  await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [atCommit]);

  // 2. A database that stops answering: every write now waits at COMMIT, until the client gives up.
  mark('stalled');
  await sleep(2_500);

  // 3. The server goes away: every connection of the service is terminated, then the server stops like a crash.
  mark('terminated');
  await admin.query('alter system reset synchronous_standby_names');
  await admin.query('select pg_reload_conf()');
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'todo-api'`);
  await admin.end();
  await postgres.stop();
  mark('down');
  await sleep(300);
  const readyWhileDown = await timed(`${service.url}/readyz`);
  const listWhileDown = await timed(`${service.url}/api/tasks`, { headers });
  await sleep(1_500);
  t.equal(service.child.exitCode, null, 'the service is still running while its database is down');

  // 4. The server comes back; the service recovers without being restarted.
  await postgres.start();
  mark('recovered');
  const recoveredAt = Date.now();
  let ready = await timed(`${service.url}/readyz`);
  while (ready.response?.status !== 200 && Date.now() - recoveredAt < 15_000) {
    await sleep(100);
    ready = await timed(`${service.url}/readyz`);
  }
  t.equal(ready.response?.status, 200, `ready again ${Date.now() - recoveredAt} ms after the database came back, same process`);
  const createdBeforeRecovery = attempts.filter((attempt) => attempt.status === 201 && attempt.phase !== 'recovered').length;
  for (const until = Date.now() + 20_000; created() < createdBeforeRecovery + 12 && Date.now() < until; ) await sleep(50);
  stopping = true;
  await Promise.all(writers);
  mark('writers done');

  service.child.kill('SIGTERM');
  const exitCode = await new Promise<number | null>((resolve) =>
    service.child.exitCode !== null ? resolve(service.child.exitCode) : service.child.once('exit', resolve),
  );

  t.test('the process never died and shuts down cleanly', async (t) => {
    t.equal(exitCode, 0, 'exit 0 on SIGTERM after the outage');
    t.notMatch(service.output(), /uncaught|unhandled/i, 'no uncaught error');
    t.match(service.output(), /a database connection failed/, 'the dying connections were reported (and survived)');
  });

  t.test('every request got an answer within 5 s: 201, or 503 problem+json with Retry-After, or 409 for a key in flight', async (t) => {
    t.same(attempts.filter((attempt) => attempt.status === 'no answer'), [], 'no request without an answer');
    const slowest = Math.max(...attempts.map((attempt) => attempt.ms));
    t.ok(slowest < ANSWER_WITHIN_MS, `slowest answer ${Math.round(slowest)} ms (${attempts.length} requests)`);
    t.same([...new Set(attempts.map((attempt) => attempt.status))].filter((status) => ![201, 409, 503].includes(status as number)), [], 'no other status (no 500)');
    const unavailable = attempts.filter((attempt) => attempt.status === 503);
    t.ok(unavailable.every((attempt) => attempt.problem && attempt.retryAfter !== null), 'every 503 is problem+json with Retry-After');
    for (const name of ['commit lost', 'stalled', 'down']) {
      t.ok(unavailable.some((attempt) => attempt.phase === name), `503s while ${name}`);
    }
    const stalled = unavailable.filter((attempt) => attempt.phase === 'stalled');
    t.ok(stalled.some((attempt) => attempt.ms >= 1_500), 'a stalled write was given up after the query timeout, not left hanging');
  });

  t.test('/readyz and the API answer 503 within 5 s while the database is down', async (t) => {
    for (const [name, answer] of [['/readyz', readyWhileDown], ['GET /api/tasks', listWhileDown]] as const) {
      t.equal(answer.response?.status, 503, `${name}: 503`);
      t.match(answer.response?.headers.get('content-type') ?? '', /application\/problem\+json/, `${name}: problem+json`);
      t.ok(answer.ms < ANSWER_WITHIN_MS, `${name}: in ${Math.round(answer.ms)} ms`);
    }
    t.ok(listWhileDown.response?.headers.get('retry-after'), 'GET /api/tasks: Retry-After');
  });

  t.test('every acknowledged write is stored exactly once; nothing is stored twice', async (t) => {
    const rows = await postgres.query<{ title: string; ids: string[] }>(`select title, array_agg(id::text) as ids from tasks group by title`);
    const stored = new Map(rows.map((row) => [row.title, row.ids.map(Number)]));
    t.same(rows.filter((row) => row.ids.length > 1), [], 'no key created twice');
    const keys = [...new Set(attempts.map((attempt) => attempt.key))];
    const acknowledged = keys.filter((key) => attempts.some((attempt) => attempt.key === key && attempt.status === 201));
    t.equal(acknowledged.length, keys.length, `every one of the ${keys.length} writes was acknowledged in the end: the service recovered`);
    const wrong = acknowledged.filter((key) => {
      const ids = attempts.filter((attempt) => attempt.key === key && attempt.status === 201).map((attempt) => attempt.taskId);
      return stored.get(key)?.length !== 1 || ids.some((id) => id !== stored.get(key)![0]);
    });
    t.same(wrong, [], 'each is in the database once, with the id its answers gave');
    // A write whose answer was lost (a 503) but which had committed: its retry got it back, created nothing.
    const lostThenReplayed = acknowledged.filter((key) => {
      const answers = attempts.filter((attempt) => attempt.key === key);
      return answers.some((attempt) => attempt.status === 503) && answers.every((attempt) => attempt.status !== 201 || attempt.replayed);
    });
    t.ok(lostThenReplayed.length >= 1, `${lostThenReplayed.length} writes answered 503 had committed; their retries were replays`);
  });
});
