import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** Children still running: killed whatever way the harness ends. */
const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Ctrl-C (or a SIGTERM) stops the children first, then the harness. */
export function stopChildrenOnSignals(onSignal: () => void = () => undefined): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      onSignal();
      void Promise.all([...running].map((child) => stopChild(child, 3_000))).finally(() => process.exit(130));
    });
  }
}

/** The last bytes a child wrote: shown when it fails. */
class OutputTail {
  #text = '';
  constructor(private readonly limit = 32 * 1024) {}
  append(chunk: Buffer): void {
    this.#text = (this.#text + chunk.toString()).slice(-this.limit);
  }
  toString(): string {
    return this.#text;
  }
}

/** Runs a command to completion, failing with its output when it fails. */
export function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const output = new OutputTail();
    child.stdout.on('data', (chunk: Buffer) => output.append(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.append(chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.toString()}`));
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request(url, { agent: false, timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    call.on('timeout', () => call.destroy(new Error('timeout')));
    call.on('error', reject);
    call.end();
  });
}

export interface ServerSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
}

export interface StartedServer {
  readonly name: string;
  readonly pid: number;
  readonly baseUrl: string;
  /** From spawn to the first 200 on /readyz. */
  readonly startupMs: number;
  readonly child: ChildProcess;
  readonly output: OutputTail;
}

export type StartResult = { readonly ok: true; readonly server: StartedServer } | { readonly ok: false; readonly reason: string; readonly output: string };

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 10;

/** Starts `node <args>` and waits for its first 200 on /readyz; a server that dies or never gets ready is a failure, with its output. */
export async function startServer(spec: ServerSpec): Promise<StartResult> {
  const baseUrl = `http://127.0.0.1:${spec.port}`;
  const started = performance.now();
  const child = spawn(process.execPath, spec.args, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output = new OutputTail();
  child.stdout.on('data', (chunk: Buffer) => output.append(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.append(chunk));
  const state: { exited: string | null } = { exited: null };
  child.on('exit', (code, signal) => {
    running.delete(child);
    state.exited = signal ?? `exit code ${code}`;
  });
  child.on('error', (error) => {
    state.exited = error.message;
  });
  while (performance.now() - started < READY_TIMEOUT_MS) {
    if (state.exited !== null) return { ok: false, reason: `${spec.name} stopped before it was ready (${state.exited})`, output: output.toString() };
    const status = await httpStatus(`${baseUrl}/readyz`).catch(() => 0);
    if (status === 200) {
      return { ok: true, server: { name: spec.name, pid: child.pid!, baseUrl, startupMs: performance.now() - started, child, output } };
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  await stopChild(child, 1_000);
  return { ok: false, reason: `${spec.name} was not ready within ${READY_TIMEOUT_MS / 1000} s`, output: output.toString() };
}

/** SIGTERM (the service then finishes its requests and, under --cpu-prof, writes its profile), SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** User + system CPU of a process (all its threads) so far, in seconds; null where /proc cannot tell. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields that follow come after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return (userTicks + systemTicks) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** A memory figure of /proc/<pid>/status (`VmRSS`: now; `VmHWM`: the peak so far), in bytes; null where unknown. */
export function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kilobytes === undefined ? null : Number(kilobytes) * 1024;
  } catch {
    return null;
  }
}

/** Polls a process's resident memory while a run lasts; `stop()` gives the highest value seen. */
export function sampleRss(pid: number, everyMs = 100): { stop(): number | null } {
  let peak: number | null = memoryOf(pid, 'VmRSS');
  const timer = setInterval(() => {
    const rss = memoryOf(pid, 'VmRSS');
    if (rss !== null && (peak === null || rss > peak)) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = memoryOf(pid, 'VmRSS');
      if (rss !== null && (peak === null || rss > peak)) peak = rss;
      return peak;
    },
  };
}
