import { randomUUID } from 'node:crypto';
import {
  KyselyIdempotencyStore,
  KyselyTaskRepository,
  migrateToLatest,
  openDatabase,
  type ConnectionOptions,
  type DatabaseConnection,
} from '../../src/index.js';

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

/** A migrated in-memory PGlite, closed when the test ends. */
export async function isolatedPglite(t: Teardown): Promise<DatabaseConnection> {
  const connection = await openDatabase({ kind: 'pglite', dataDir: null });
  t.teardown(() => connection.close());
  await migrateToLatest(connection.db);
  return connection;
}

export const kyselyRepository = (connection: DatabaseConnection) => new KyselyTaskRepository(connection.db);

export const kyselyIdempotency = (connection: DatabaseConnection) => ({
  tasks: new KyselyTaskRepository(connection.db),
  idempotency: new KyselyIdempotencyStore(connection.db),
});
