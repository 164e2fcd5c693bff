import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// This file starts the real service four times and runs two CLIs, each compiling TypeScript: on a machine busy with
// other test runs that takes longer than the suite's 120 s per file.
t.setTimeout(360_000);

/** The service as a user starts it: its own process, from source, on the embedded database. */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const NODE_ARGS = ['--conditions=@todo/source', '--import=tsx'];

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [...NODE_ARGS, 'apps/api/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    // Generous: on a machine shared with other test runs, compiling the TypeScript and starting PGlite can take
    // half a minute. A process that did not start is killed, so that it cannot outlive the test (and its data dir).
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not start:\n${output}`));
    }, 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({ child, url: listening[1]!, output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited with ${code}:\n${output}`), { code, output }));
    });
  });
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

function runCli(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return exitCode(child).then((code) => ({ code, stdout }));
}

t.test('on a fresh machine: dev secret, token command, data kept across a restart, clean exit on SIGTERM', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'todo-api-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir };

  const first = await start(env);
  t.match(first.output(), /pnpm token/, 'the log says how to get a token');
  const { stdout: token, code } = await runCli('apps/api/src/cli/token.ts', ['alice'], env);
  t.equal(code, 0);
  const headers = { authorization: `Bearer ${token.trim()}`, 'content-type': 'application/json' };
  const created = await fetch(`${first.url}/api/tasks`, { method: 'POST', headers, body: JSON.stringify({ title: 'Survive a restart' }) });
  t.equal(created.status, 201);
  first.child.kill('SIGTERM');
  t.equal(await exitCode(first.child), 0, 'exit 0 after SIGTERM');

  const second = await start(env);
  t.teardown(() => second.child.kill('SIGKILL'));
  const listed = await fetch(`${second.url}/api/tasks`, { headers });
  const body = await listed.text();
  t.equal(listed.status, 200, body);
  t.same(
    (JSON.parse(body) as { title: string }[]).map((task) => task.title),
    ['Survive a restart'],
    'the task and the secret survived the restart',
  );
  second.child.kill('SIGINT');
  t.equal(await exitCode(second.child), 0, 'exit 0 after SIGINT');
});

t.test('production without BETTER_AUTH_SECRET refuses to start, naming the setting', async (t) => {
  const failure = await start({ NODE_ENV: 'production' }).then(
    (started) => {
      started.child.kill('SIGKILL');
      return { code: 0, output: 'it started' };
    },
    (error: { code: number; output: string }) => error,
  );
  t.equal(failure.code, 1);
  t.match(failure.output, /BETTER_AUTH_SECRET/);
});

t.test('pnpm db:migrate brings an empty PGlite database up to date, then has nothing to do', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'todo-api-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const first = await runCli('apps/api/src/cli/migrate.ts', [], { DATA_DIR: dataDir });
  t.equal(first.code, 0);
  t.match(first.stdout, /applied .*create-tasks/);
  const second = await runCli('apps/api/src/cli/migrate.ts', [], { DATA_DIR: dataDir });
  t.match(second.stdout, /already up to date/);
});
