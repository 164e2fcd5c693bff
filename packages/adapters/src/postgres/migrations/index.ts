import type { Migration, MigrationProvider } from 'kysely';
import * as createTasks from './2026-11-21T00-00-create-tasks.js';
import * as organiseTasks from './2026-11-22T00-00-organise-tasks.js';

/** Every migration, by name; names sort in the order they run. */
const migrations: Record<string, Migration> = {
  '2026-11-21T00-00-create-tasks': createTasks,
  '2026-11-22T00-00-organise-tasks': organiseTasks,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
