import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { testApp } from '../../../api/test/support/test-app.js';
import { NEXT_BIN } from '../../scripts/build-if-stale.js';

export { buildIfStale as ensureWebBuild } from '../../scripts/build-if-stale.js';

const webDir = fileURLToPath(new URL('../../', import.meta.url));

/** A port nobody listens on right now (the web app must know it before it starts: Better Auth's URL names it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The real API (apps/api's buildApp) on a free port, trusting the web app's Better Auth and its origin. */
export async function startApiFor(t: Test, webOrigin: string) {
  const app = await testApp(t, { env: { BETTER_AUTH_URL: webOrigin, CORS_ORIGINS: webOrigin } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export interface WebOptions {
  readonly port: number;
  readonly apiUrl: string;
  /** More environment for `next start` (AUTH_DATABASE_URL…). */
  readonly env?: Readonly<Record<string, string>>;
}

/** `next start` of the built app on `port`, with its own Better Auth database; stopped when the test ends. */
export async function startWeb(t: Test, { port, apiUrl, env = {} }: WebOptions) {
  const dataDir = await mkdtemp(join(tmpdir(), 'todo-web-auth-'));
  const origin = `http://localhost:${port}`;
  const output: string[] = [];
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '--port', String(port)], {
    cwd: webDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_PUBLIC_API_URL: apiUrl,
      BETTER_AUTH_URL: origin,
      BETTER_AUTH_SECRET: 'web-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
      AUTH_DATA_DIR: dataDir,
      ...env,
    },
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output.join('')}`);
    try {
      const response = await fetch(origin);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { origin, output };
}
