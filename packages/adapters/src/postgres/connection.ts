import { mkdir } from 'node:fs/promises';
import {
  Kysely,
  PostgresDialect,
  sql,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import pg from 'pg';
import { kyselyRunner, type StatementRunner } from './compiled-statement.js';
import type { Database } from './database.js';
import { typeParsers } from './timestamp-parser.js';
import { isQueryTimeout } from './unavailable.js';

/**
 * The time budget of one database call, so that a request answers (503 at worst) within 5 seconds even when the
 * database stops answering: waiting for a connection (a new one, or a free one of a full pool) plus one
 * statement stays under 5 s. specs/operations/database.md says why each value is what it is.
 */
export const DATABASE_TIMEOUTS = Object.freeze({
  /** pg-pool's `connectionTimeoutMillis`: opening a connection, or waiting for a free one. */
  connectMs: 2_000,
  /** pg's `query_timeout`, enforced by the client: a pooler refuses `statement_timeout` as a startup parameter. */
  queryMs: 2_000,
  /** An unused connection is closed after this: an idle service holds none. */
  idleMs: 30_000,
  /** TCP keepalive on every connection, so that a network path that died silently is noticed. */
  keepAliveDelayMs: 10_000,
  /**
   * Set with `SET LOCAL` in the transactions that lock rows other requests wait for: the server stops a
   * statement the client gave up on, and ends a transaction whose client went silent, releasing the locks.
   */
  transactionStatementMs: 2_000,
  transactionIdleMs: 5_000,
});

export type DatabaseTarget =
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** A connection that bypasses any pooler (Neon's direct URL), for what needs a session of its own: LISTEN. */
      readonly directUrl?: string | null | undefined;
      readonly poolMax: number;
      /**
       * Unqualified names resolve here first: lets tests isolate themselves in a schema of their own. Sent as the
       * `options` startup parameter, which PgBouncer (and so Neon's pooler) refuses: direct connections only.
       */
      readonly searchPath?: string | undefined;
    }
  | {
      readonly kind: 'pglite';
      /** Where the embedded database keeps its files; `null` keeps it in memory only. */
      readonly dataDir: string | null;
    };

/** How busy the connections are, read by the metrics. */
export interface PoolStats {
  /** Connections open (busy or idle). */
  readonly total: number;
  /** Connections open and free; `null` where the adapter cannot tell (PGlite). */
  readonly idle: number | null;
  /** Queries waiting for a connection; `null` where the adapter cannot tell (PGlite). */
  readonly waiting: number | null;
}

export interface DatabaseConnection {
  readonly db: Kysely<Database>;
  /** Runs one statement outside any transaction, by the shortest path there is (for compiled statements). */
  readonly run: StatementRunner;
  /** What it is connected to. */
  readonly target: DatabaseTarget;
  /** Resolves when the database answers a query; used by the readiness probe. */
  ping(): Promise<void>;
  /** A snapshot, cheap to take: nothing is asked of the database. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface ConnectionOptions {
  /**
   * An open connection failed (the server terminated it, restarted, or the network dropped), idle or in use.
   * The pool replaces it; the error is reported here and never thrown.
   */
  readonly onConnectionError?: (error: Error) => void;
  /**
   * pg's client-side `query_timeout`, `DATABASE_TIMEOUTS.queryMs` by default. `null`: none, for migrations and
   * maintenance, whose statements may rightly run for minutes (and wait for other instances' migration lock).
   */
  readonly queryTimeoutMs?: number | null;
}

export async function openDatabase(target: DatabaseTarget, options: ConnectionOptions = {}): Promise<DatabaseConnection> {
  const { db, run, poolStats, close } = target.kind === 'postgres' ? postgresDatabase(target, options) : await pgliteDatabase(target.dataDir);
  return {
    db,
    run,
    target,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    poolStats,
    close,
  };
}

interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly run: StatementRunner;
  readonly close: () => Promise<void>;
  readonly poolStats: () => PoolStats;
}

function postgresDatabase(target: Extract<DatabaseTarget, { kind: 'postgres' }>, options: ConnectionOptions): OpenedDatabase {
  const pool = new pg.Pool({
    // TLS and its verification follow the URL (`sslmode=require` on Neon).
    connectionString: target.url,
    // node-postgres ignores `channel_binding` in a URL; Neon's URLs carry `channel_binding=require`.
    enableChannelBinding: wantsChannelBinding(target.url),
    // Named in pg_stat_activity; a URL's own `application_name` wins.
    application_name: 'todo-api',
    types: typeParsers,
    max: target.poolMax,
    connectionTimeoutMillis: DATABASE_TIMEOUTS.connectMs,
    ...(options.queryTimeoutMs === null ? {} : { query_timeout: options.queryTimeoutMs ?? DATABASE_TIMEOUTS.queryMs }),
    idleTimeoutMillis: DATABASE_TIMEOUTS.idleMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: DATABASE_TIMEOUTS.keepAliveDelayMs,
    ...(target.searchPath === undefined ? {} : { options: `-c search_path=${target.searchPath}` }),
  });
  pool.on('connect', (client) => {
    // pg emits 'error' on a client whose connection dies. pg-pool listens only while the client is idle, and an
    // 'error' nobody listens to ends the process: this listener stays for the client's whole life, checked out too.
    client.on('error', (error) => options.onConnectionError?.(error));
  });
  // pg-pool re-emits an idle client's error here (after dropping the client); the listener above reported it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: discardingTimedOutClients(pool) }) });
  return {
    db,
    run: poolRunner(pool),
    // Kysely ends the pool only if it ever ran a query itself; `run` uses the pool without it.
    close: async () => {
      await db.destroy();
      if (!pool.ending) await pool.end();
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

function wantsChannelBinding(url: string): boolean {
  try {
    const mode = new URL(url).searchParams.get('channel_binding');
    return mode === 'require' || mode === 'prefer';
  } catch {
    return false;
  }
}

/** Runs a statement on a pooled connection; one whose statement timed out is closed, as below. */
function poolRunner(pool: pg.Pool): StatementRunner {
  return async <Row>(text: string, parameters: readonly unknown[]) => {
    const client = await pool.connect();
    let timedOut: Error | undefined;
    try {
      return (await client.query(text, parameters as unknown[])).rows as Row[];
    } catch (error) {
      if (isQueryTimeout(error)) timedOut = error;
      throw error;
    } finally {
      client.release(timedOut);
    }
  };
}

/**
 * The pool as Kysely sees it, except that a client whose statement timed out is closed instead of pooled: pg
 * stops waiting, but the statement still runs on the server, so the connection is busy. Pooled again, it would
 * queue the next request's statements behind that one, or, in a transaction whose ROLLBACK never went out,
 * run them inside it.
 */
function discardingTimedOutClients(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => new TimeoutDiscardingClient(await pool.connect()),
    end: () => pool.end(),
  };
}

class TimeoutDiscardingClient implements PostgresPoolClient {
  readonly #client: pg.PoolClient;
  #timedOut: Error | undefined;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters: ReadonlyArray<unknown> = []): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') throw new Error('cursors are not configured');
    return this.#run<R>(sqlOrCursor, parameters);
  }

  async #run<R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    // After a timeout (Kysely then sends ROLLBACK), fail at once rather than queue behind the running statement.
    if (this.#timedOut !== undefined) throw new Error('connection discarded after a query timeout', { cause: this.#timedOut });
    try {
      return (await this.#client.query(text, [...parameters])) as unknown as PostgresQueryResult<R>;
    } catch (error) {
      if (isQueryTimeout(error)) this.#timedOut = error;
      throw error;
    }
  }

  release(): void {
    // With an error, pg-pool closes the connection (destroying the socket when a statement is still running).
    this.#client.release(this.#timedOut);
  }
}

/** PGlite is one connection inside the process, with no pool to watch. */
const PGLITE_STATS: PoolStats = Object.freeze({ total: 1, idle: null, waiting: null });

async function pgliteDatabase(dataDir: string | null): Promise<OpenedDatabase> {
  // Loaded only here: a service given a DATABASE_URL never needs PGlite, and loading it costs start-up time and memory.
  const [{ PGlite }, { pg_trgm }, { btree_gin }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('kysely-pglite-dialect'),
  ]);
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });
  // PGlite loads extensions only when named here; the migrations then `create extension` them (trigram search,
  // `user_id` in GIN indexes).
  const pglite = new PGlite({ ...(dataDir === null ? {} : { dataDir }), extensions: { pg_trgm, btree_gin } });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, run: kyselyRunner(db), close: () => db.destroy(), poolStats: () => PGLITE_STATS };
}
