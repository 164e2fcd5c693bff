import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrationProvider } from './migrations/index.js';

export interface MigrationReport {
  readonly applied: readonly string[];
}

/** Brings the schema up to date. Kysely takes a lock, so instances starting together run each migration once. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with another schema of the
  // same database already migrated (a parallel test file, `pnpm db:explain`), it would skip creating them here.
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: rows[0]?.schema ?? undefined });
  return report(await migrator.migrateToLatest());
}

function report({ error, results = [] }: MigrationResultSet): MigrationReport {
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed`, { cause: error });
  }
  return { applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
