import type { Migration, MigrationProvider } from 'kysely';
import * as createTasks from './2026-11-21T00-00-create-tasks.js';
import * as organiseTasks from './2026-11-22T00-00-organise-tasks.js';
import * as changeFeed from './2026-11-30T00-00-change-feed.js';
import * as cheaperTagCheck from './2026-11-30T01-00-cheaper-tag-check.js';

/** Every migration, by name; names sort in the order they run. */
const migrations: Record<string, Migration> = {
  '2026-11-21T00-00-create-tasks': createTasks,
  '2026-11-22T00-00-organise-tasks': organiseTasks,
  '2026-11-30T00-00-change-feed': changeFeed,
  '2026-11-30T01-00-cheaper-tag-check': cheaperTagCheck,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
