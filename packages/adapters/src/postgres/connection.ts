import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database.js';

export type DatabaseTarget =
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly poolMax: number;
      /** Unqualified names resolve here first: lets tests isolate themselves in a schema of their own. */
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
  /** Resolves when the database answers a query; used by the readiness probe. */
  ping(): Promise<void>;
  /** A snapshot, cheap to take: nothing is asked of the database. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface ConnectionOptions {
  /** Errors of idle connections (the server restarted, the network dropped): reported, never fatal. */
  readonly onIdleError?: (error: Error) => void;
}

export async function openDatabase(target: DatabaseTarget, options: ConnectionOptions = {}): Promise<DatabaseConnection> {
  const { db, poolStats } = target.kind === 'postgres' ? postgresDatabase(target, options) : await pgliteDatabase(target.dataDir);
  return {
    db,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    poolStats,
    close: () => db.destroy(),
  };
}

interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly poolStats: () => PoolStats;
}

function postgresDatabase(target: Extract<DatabaseTarget, { kind: 'postgres' }>, options: ConnectionOptions): OpenedDatabase {
  const pool = new pg.Pool({
    // TLS and its verification follow the URL (`sslmode=require` on Neon).
    connectionString: target.url,
    max: target.poolMax,
    // A database that does not answer becomes a quick 503, not a request that hangs.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    ...(target.searchPath === undefined ? {} : { options: `-c search_path=${target.searchPath}` }),
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** PGlite is one connection inside the process, with no pool to watch. */
const PGLITE_STATS: PoolStats = Object.freeze({ total: 1, idle: null, waiting: null });

async function pgliteDatabase(dataDir: string | null): Promise<OpenedDatabase> {
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });
  // PGlite loads extensions only when named here; the migrations then `create extension` them (trigram search,
  // `user_id` in GIN indexes).
  const pglite = new PGlite({ ...(dataDir === null ? {} : { dataDir }), extensions: { pg_trgm, btree_gin } });
  await pglite.waitReady;
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), poolStats: () => PGLITE_STATS };
}
