import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../../../packages/adapters/test/support/free-port.js';

/**
 * A PostgreSQL server of the test's own, in a temporary folder: a test may stop and restart it, which it must
 * never do to the shared server other test files use at the same time.
 */
export interface PrivatePostgres {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Runs one statement on a connection of its own (the server may have restarted since the last one). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Stops the server for good and deletes its files. */
  destroy(): Promise<void>;
}

/** The newest PostgreSQL server binaries Debian installed, or null. */
export function serverBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

/** initdb and pg_ctl refuse to run as root: as root, they run as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (entry === undefined) throw new Error('running as root, and there is no postgres user to run the server as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function run(command: string, args: string[], user: { uid: number; gid: number } | null, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // In a folder the server's user may enter (it may not read the test's own working directory).
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const user = serverUser();
  const directory = await mkdtemp(join(tmpdir(), 'todo-outage-'));
  if (user !== null) await chown(directory, user.uid, user.gid);
  const data = join(directory, 'data');
  await run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], user, directory);

  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-k ${directory}`,
    '-c listen_addresses=127.0.0.1',
    // Nothing here must survive a crash of the machine, only of the server (which the OS page cache does).
    '-c fsync=off',
    '-c max_connections=40',
  ].join(' ');
  const pgCtl = (...args: string[]) => run(join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args], user, directory);
  const start = () => pgCtl('-o', serverOptions, '-l', join(directory, 'server.log'), 'start');
  await start();
  const stopNow = () => spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { cwd: directory, stdio: 'ignore', ...(user ?? {}) });
  // Should the test process end early, the server goes with it.
  process.once('exit', stopNow);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    start,
    // `immediate`, like a crash or a failover: no goodbye to the clients, recovery from the WAL at the next start.
    stop: () => pgCtl('-m', 'immediate', 'stop'),
    query: async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        return (await client.query<R>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    destroy: async () => {
      process.off('exit', stopNow);
      stopNow();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
