import { randomUUID } from 'node:crypto';
import {
  KyselyIdempotencyStore,
  KyselyTaskChangeFeed,
  KyselyTaskRepository,
  migrateToLatest,
  openDatabase,
  type DatabaseConnection,
} from '../../src/index.js';

/** The real PostgreSQL server the suite runs against (CI sets it); without it those tests are skipped, saying why. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'];
export const skipWithoutPostgres = TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A migrated PostgreSQL schema of this test file's own, dropped when the test ends. */
export async function isolatedPostgres(t: Teardown): Promise<DatabaseConnection> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  const admin = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, poolMax: 1 });
  await admin.db.schema.createSchema(schema).execute();
  const connection = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, poolMax: 5, searchPath: schema });
  t.teardown(async () => {
    await connection.close();
    await admin.db.schema.dropSchema(schema).cascade().execute();
    await admin.close();
  });
  await migrateToLatest(connection.db);
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
  changes: new KyselyTaskChangeFeed(connection.db),
  idempotency: new KyselyIdempotencyStore(connection.db),
});
