import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  KyselyIdempotencyStore,
  KyselyTaskChangeFeed,
  KyselyTaskRepository,
  migrateToLatest,
  openDatabase,
  type ConnectionOptions,
  type DatabaseConnection,
} from '../../src/index.js';
import { sharedPgBouncer } from './pgbouncer.js';

/** The real PostgreSQL server the suite runs against (CI sets it); without it those tests are skipped, saying why. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'];
export const skipWithoutPostgres = TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const requireTestDatabaseUrl = (): string => {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  return TEST_DATABASE_URL;
};

/**
 * Migrations run as in production: over a connection of their own, with no statement timeout (other test files
 * migrating at the same time hold Kysely's migration lock for a while).
 */
async function migrate(url: string, searchPath?: string): Promise<void> {
  const session = await openDatabase({ kind: 'postgres', url, poolMax: 1, searchPath }, { queryTimeoutMs: null });
  try {
    await migrateToLatest(session.db);
  } finally {
    await session.close();
  }
}

/** A migrated PostgreSQL schema of this test file's own, dropped when the test ends. */
export async function isolatedPostgres(t: Teardown, options: ConnectionOptions = {}): Promise<DatabaseConnection> {
  const url = requireTestDatabaseUrl();
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  const admin = await openDatabase({ kind: 'postgres', url, poolMax: 1 }, { queryTimeoutMs: null });
  await admin.db.schema.createSchema(schema).execute();
  const connection = await openDatabase({ kind: 'postgres', url, poolMax: 5, searchPath: schema }, options);
  t.teardown(async () => {
    await connection.close();
    await admin.db.schema.dropSchema(schema).cascade().execute();
    await admin.close();
  });
  await migrate(url, schema);
  return connection;
}

/** The URL of another database on the server of `url`. */
const withDatabase = (url: string, database: string): string => {
  const other = new URL(url);
  other.pathname = `/${database}`;
  return other.href;
};

/** A database of its own on the test server, dropped when the test ends; not migrated. */
export async function scratchDatabase(t: Teardown): Promise<{ readonly name: string; readonly directUrl: string }> {
  const url = requireTestDatabaseUrl();
  // A schema cannot isolate a test behind the pooler (it refuses the `options` startup parameter that sets
  // search_path, and a SET would not outlive the transaction): a database can, and it is what production has.
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  const admin = await openDatabase({ kind: 'postgres', url, poolMax: 1 }, { queryTimeoutMs: null });
  // template0: nobody connects to it, so parallel test files can copy it at once.
  await sql`create database ${sql.id(name)} template template0`.execute(admin.db);
  t.teardown(async () => {
    // FORCE ends the server connections the pooler still holds to it.
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await admin.close();
  });
  return { name, directUrl: withDatabase(url, name) };
}

/**
 * A migrated database of its own, reached through this file's PgBouncer in transaction mode (Neon's pooler):
 * migrated over a direct connection (as `DATABASE_DIRECT_URL` does in production), used through the pooler.
 */
export async function isolatedPgBouncer(t: Teardown, options: ConnectionOptions = {}): Promise<DatabaseConnection> {
  const bouncer = await sharedPgBouncer(requireTestDatabaseUrl());
  const database = await scratchDatabase(t);
  await migrate(database.directUrl);
  const connection = await openDatabase({ kind: 'postgres', url: bouncer.url(database.name), poolMax: 5 }, options);
  t.teardown(() => connection.close());
  return connection;
}

/** A migrated in-memory PGlite, closed when the test ends. */
export async function isolatedPglite(t: Teardown): Promise<DatabaseConnection> {
  const connection = await openDatabase({ kind: 'pglite', dataDir: null });
  t.teardown(() => connection.close());
  await migrateToLatest(connection.db);
  return connection;
}

export const kyselyRepository = (connection: DatabaseConnection) => new KyselyTaskRepository(connection.db, connection.run);

export const kyselyIdempotency = (connection: DatabaseConnection) => ({
  tasks: new KyselyTaskRepository(connection.db, connection.run),
  changes: new KyselyTaskChangeFeed(connection.db),
  idempotency: new KyselyIdempotencyStore(connection.db),
});
