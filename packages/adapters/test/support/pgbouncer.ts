import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort } from './free-port.js';

/** A PgBouncer in transaction mode, as Neon's pooler runs, in front of one PostgreSQL server. */
export interface PgBouncer {
  /** The URL of `database` on the upstream server, through the pooler. */
  url(database: string): string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 10_000;

/**
 * Starts `pgbouncer` on a free port of 127.0.0.1, pooling every database of `upstreamUrl`'s server in transaction
 * mode: a server connection per transaction, so anything that relies on a session (SET, named prepared statements,
 * session advisory locks, LISTEN) breaks as it does behind Neon's pooler. Like Neon's, it refuses the startup
 * parameters it does not know (`options`, `statement_timeout`).
 */
export async function startPgBouncer(upstreamUrl: string): Promise<PgBouncer> {
  const upstream = new URL(upstreamUrl);
  const user = decodeURIComponent(upstream.username) || 'postgres';
  const password = decodeURIComponent(upstream.password);
  const directory = await mkdtemp(join(tmpdir(), 'todo-pgbouncer-'));
  // As root, pgbouncer must be told which user to become (`-u`); that user reads these files.
  await chmod(directory, 0o755);
  const authFile = join(directory, 'userlist.txt');
  await writeFile(authFile, `"${user}" "${password.replaceAll('"', '""')}"\n`, { mode: 0o644 });

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const ini = join(directory, 'pgbouncer.ini');
    await writeFile(
      ini,
      [
        '[databases]',
        // The fallback entry: any database name the client asks for, on the upstream server.
        `* = host=${upstream.hostname} port=${upstream.port || '5432'}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        // Clients are not asked for a password; pgbouncer logs in upstream with the one in auth_file.
        'auth_type = trust',
        `auth_file = ${authFile}`,
        'pool_mode = transaction',
        'max_client_conn = 200',
        // Few server connections per database: the pooler, not the app's pool, bounds what reaches the server.
        'default_pool_size = 4',
        'log_connections = 0',
        'log_disconnections = 0',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
    const asRoot = process.getuid?.() === 0;
    const child = spawn('pgbouncer', [...(asRoot ? ['-u', 'nobody'] : []), ini], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Debian installs it in /usr/sbin, which is not on every user's PATH.
      env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin` },
    });
    try {
      await listening(child);
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt < 3 && /Address already in use/.test(String(error))) continue;
      await rm(directory, { recursive: true, force: true });
      throw error;
    }
    // Should the test process end without stopping it, the pooler goes with it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    return {
      url: (database) => {
        const url = new URL(upstreamUrl);
        url.hostname = '127.0.0.1';
        url.port = String(port);
        url.pathname = `/${database}`;
        return url.href;
      },
      stop: async () => {
        process.off('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        await rm(directory, { recursive: true, force: true });
      },
    };
  }
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`pgbouncer did not start:\n${output}`)), STARTUP_TIMEOUT_MS);
    // Read for as long as it runs (a full pipe would block it); keep only the tail for error messages.
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (/process up/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`pgbouncer could not be run (is it installed?): ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pgbouncer exited with ${code}:\n${output}`));
    });
  });
}

let shared: Promise<PgBouncer> | undefined;

/** One pgbouncer per test file (tap runs each file in a process of its own), stopped when the file's tests end. */
export function sharedPgBouncer(upstreamUrl: string): Promise<PgBouncer> {
  if (shared === undefined) {
    const starting = startPgBouncer(upstreamUrl);
    shared = starting;
    t.teardown(async () => (await starting).stop());
  }
  return shared;
}
