import type { Migration, MigrationProvider } from 'kysely';
import * as createTasks from './2026-11-21T00-00-create-tasks.js';

/** Every migration, by name; names sort in the order they run. */
const migrations: Record<string, Migration> = {
  '2026-11-21T00-00-create-tasks': createTasks,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
