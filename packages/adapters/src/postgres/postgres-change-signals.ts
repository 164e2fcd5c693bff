import { randomUUID } from 'node:crypto';
import type { ChangeSignals } from '@todo/application';
import type { UserId } from '@todo/domain';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { InProcessChangeSignals } from '../memory/in-process-change-signals.js';
import type { Database } from './database.js';

export interface PostgresChangeSignalsOptions {
  /** The service's pool: notifications are sent, and feed heads polled, through it. */
  readonly db: Kysely<Database>;
  /**
   * A connection of its own for LISTEN: `DATABASE_DIRECT_URL` when set. Through a pooler in transaction mode
   * (Neon's pooled URL) LISTEN is accepted and then never delivers: a self-test tells, and the signals poll instead.
   */
  readonly listenUrl: string;
  /** The NOTIFY channel; instances that share a database must share it. */
  readonly channel?: string;
  /** How often the feed heads of followed users are polled while no listener works (default 1 s). */
  readonly pollIntervalMs?: number;
  /** How often they are polled while the listener works, to catch a signal lost with a crashed instance (default 15 s). */
  readonly safetyPollIntervalMs?: number;
  /** How often the listener checks it still receives (default 30 s). */
  readonly probeIntervalMs?: number;
  readonly onListening?: (listening: boolean, reason: string) => void;
  readonly onError?: (error: unknown, during: string) => void;
}

interface SignalPayload {
  /** The instance that wrote: it already woke its own followers. */
  readonly i?: string;
  /** The users whose feeds moved. */
  readonly u?: string[];
  /** A listener's self-test. */
  readonly probe?: string;
}

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD_BYTES = 7000;
const PROBE_TIMEOUT_MS = 3000;
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];
/** A pooler will not start delivering: after a failed self-test, try a new listener this much later. */
const RELISTEN_AFTER_POOLER_MS = 60_000;
/** Announcements within this window go out in one NOTIFY. */
const NOTIFY_BATCH_MS = 5;
const RETRY_NOTIFY_MS = 1000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Change signals across every instance on one PostgreSQL database. Followers in this process are woken at once;
 * other instances learn by a NOTIFY that carries only the instance and the users, sent after the write
 * committed, a few milliseconds' worth at a time. Each instance LISTENs on a dedicated connection and wakes its
 * own followers, which read the feed themselves. While no listener works (no direct connection, the database is
 * away), it polls the feed heads of its followed users instead: changes are then late, never missed. After the
 * listener comes back, every follower is woken once to catch up.
 */
export class PostgresChangeSignals implements ChangeSignals {
  readonly #local = new InProcessChangeSignals();
  readonly #instance = randomUUID();
  readonly #options: Required<Omit<PostgresChangeSignalsOptions, 'onListening' | 'onError'>> &
    Pick<PostgresChangeSignalsOptions, 'onListening' | 'onError'>;
  readonly #pending = new Set<UserId>();
  readonly #lastSeenHead = new Map<UserId, number>();
  readonly #probes = new Map<string, () => void>();
  #flushTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #listener: pg.Client | undefined;
  #listening = false;
  #stopped = true;
  /** Resolves once `stop` is called: every wait of the listener races it. */
  #whenStopped: Promise<void> = Promise.resolve();
  #resolveStopped = () => {};
  #listenLoop: Promise<void> | undefined;

  constructor(options: PostgresChangeSignalsOptions) {
    this.#options = {
      channel: 'todo_task_changes',
      pollIntervalMs: 1000,
      safetyPollIntervalMs: 15_000,
      probeIntervalMs: 30_000,
      ...options,
    };
  }

  /** True while a listener receives notifications (then other instances' writes arrive within milliseconds). */
  get listening(): boolean {
    return this.#listening;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#whenStopped = new Promise((resolve) => (this.#resolveStopped = resolve));
    this.#listenLoop = this.#keepListening();
    this.#schedulePoll();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#resolveStopped();
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#flushTimer);
    await this.#flush().catch(() => undefined);
    this.#listener?.end().catch(() => undefined);
    for (const resolve of this.#probes.values()) resolve();
    await this.#listenLoop;
  }

  announce(owner: UserId): void {
    this.#local.announce(owner);
    this.#pending.add(owner);
    this.#flushTimer ??= setTimeout(() => void this.#flushOrRetry(), NOTIFY_BATCH_MS);
  }

  subscribe(owner: UserId, onChange: () => void): () => void {
    return this.#local.subscribe(owner, onChange);
  }

  async #flushOrRetry(): Promise<void> {
    this.#flushTimer = undefined;
    try {
      await this.#flush();
    } catch (error) {
      this.#options.onError?.(error, 'sending change notifications');
      if (!this.#stopped) this.#flushTimer = setTimeout(() => void this.#flushOrRetry(), RETRY_NOTIFY_MS);
    }
  }

  async #flush(): Promise<void> {
    const owners = [...this.#pending];
    if (owners.length === 0) return;
    for (const users of batchesOf(owners)) {
      await this.#notify({ i: this.#instance, u: users });
      for (const user of users) this.#pending.delete(user as UserId);
    }
  }

  async #notify(payload: SignalPayload): Promise<void> {
    await sql`select pg_notify(${this.#options.channel}, ${JSON.stringify(payload)})`.execute(this.#options.db);
  }

  #receive(message: pg.Notification): void {
    let payload: SignalPayload;
    try {
      payload = JSON.parse(message.payload ?? '') as SignalPayload;
    } catch {
      return;
    }
    if (payload.probe !== undefined) {
      this.#probes.get(payload.probe)?.();
      return;
    }
    if (payload.i === this.#instance) return;
    for (const user of payload.u ?? []) this.#local.announce(user as UserId);
  }

  /** Sends a notification through the pool and waits for the listener to receive it. */
  async #probe(): Promise<boolean> {
    const probe = randomUUID();
    const received = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      timer.unref();
      this.#probes.set(probe, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    try {
      await this.#notify({ probe });
      return await received;
    } catch {
      return false;
    } finally {
      this.#probes.delete(probe);
    }
  }

  async #keepListening(): Promise<void> {
    for (let attempt = 0; !this.#stopped; attempt++) {
      let pause = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
      const client = new pg.Client({ connectionString: this.#options.listenUrl, connectionTimeoutMillis: 5000, keepAlive: true });
      const ended = new Promise<void>((resolve) => {
        client.once('end', resolve);
        // Without a listener here, a dropped connection would be an uncaught 'error' event: the process would exit.
        client.on('error', (error) => {
          this.#options.onError?.(error, 'listening for changes');
          resolve();
        });
      });
      client.on('notification', (message) => this.#receive(message));
      try {
        await client.connect();
        this.#listener = client;
        await client.query(`listen ${pg.escapeIdentifier(this.#options.channel)}`);
        if (await this.#probe()) {
          attempt = -1;
          this.#setListening(true, 'listening for changes');
          // Signals may have been missed while no listener worked.
          this.#local.announceToAll();
          await this.#whileReceiving(ended);
        } else {
          this.#setListening(false, 'LISTEN delivers nothing on this connection (a pooler?): polling; set DATABASE_DIRECT_URL');
          pause = RELISTEN_AFTER_POOLER_MS;
        }
      } catch (error) {
        if (!this.#stopped) this.#options.onError?.(error, 'listening for changes');
      }
      this.#listener = undefined;
      await client.end().catch(() => undefined);
      if (this.#listening) this.#setListening(false, 'the listener stopped: polling until it is back');
      if (!this.#stopped) await Promise.race([delay(pause), this.#whenStopped]);
    }
  }

  /** Resolves when the connection ends, or stops delivering (checked every probe interval). */
  async #whileReceiving(ended: Promise<void>): Promise<void> {
    let connected = true;
    void ended.then(() => (connected = false));
    while (connected && !this.#stopped) {
      await Promise.race([ended, delay(this.#options.probeIntervalMs), this.#whenStopped]);
      if (connected && !this.#stopped && !(await this.#probe())) return;
    }
  }

  #setListening(listening: boolean, reason: string): void {
    this.#listening = listening;
    this.#options.onListening?.(listening, reason);
    this.#schedulePoll();
  }

  #schedulePoll(): void {
    clearTimeout(this.#pollTimer);
    if (this.#stopped) return;
    const interval = this.#listening ? this.#options.safetyPollIntervalMs : this.#options.pollIntervalMs;
    this.#pollTimer = setTimeout(() => void this.#poll(), interval);
    this.#pollTimer.unref();
  }

  /** Wakes the followers of every followed user whose feed head moved since the last poll (or was never seen). */
  async #poll(): Promise<void> {
    const users = this.#local.followedUsers();
    for (const user of this.#lastSeenHead.keys()) if (!users.includes(user)) this.#lastSeenHead.delete(user);
    try {
      if (users.length > 0) {
        const heads = await this.#options.db
          .selectFrom('change_feeds')
          .select(['user_id', 'head_seq'])
          .where('user_id', '=', sql<string>`any(${users})`)
          .execute();
        for (const { user_id: user, head_seq: head } of heads) {
          if (this.#lastSeenHead.get(user as UserId) !== Number(head)) {
            this.#lastSeenHead.set(user as UserId, Number(head));
            this.#local.announce(user as UserId);
          }
        }
      }
    } catch (error) {
      this.#options.onError?.(error, 'polling the change feeds');
    }
    this.#schedulePoll();
  }
}

/** Splits users into groups whose payload stays under the NOTIFY limit. */
function batchesOf(users: readonly string[]): string[][] {
  const batches: string[][] = [[]];
  let size = 0;
  for (const user of users) {
    const bytes = Buffer.byteLength(JSON.stringify(user)) + 1;
    if (size + bytes > MAX_PAYLOAD_BYTES && batches.at(-1)!.length > 0) {
      batches.push([]);
      size = 0;
    }
    batches.at(-1)!.push(user);
    size += bytes;
  }
  return batches;
}
