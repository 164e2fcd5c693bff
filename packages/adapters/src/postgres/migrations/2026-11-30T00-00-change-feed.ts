import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a released migration, add a new one.
//
// The change feed of each user's tasks (specs/api/live.md): `change_feeds` holds each user's latest `seq`, which
// every write takes (and holds, row-locked, until it commits); `tasks.change_seq` is the `seq` of a task's latest
// write; `task_deletions` remembers deleted tasks for the feed. Tasks written before this migration keep
// `change_seq` 0: a full sync hands them out, and every later write moves them.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('change_feeds')
    .addColumn('user_id', 'text', (column) => column.primaryKey().check(sql`char_length(user_id) between 1 and 255`))
    .addColumn('head_seq', 'bigint', (column) => column.notNull().check(sql`head_seq >= 1`))
    // Deletions up to this seq may have been forgotten: a cursor before it is expired.
    .addColumn('forgotten_seq', 'bigint', (column) => column.notNull().defaultTo(0))
    .addCheckConstraint('change_feeds_forgotten_seq_check', sql`forgotten_seq between 0 and head_seq`)
    .execute();

  await db.schema.alterTable('tasks').addColumn('change_seq', 'bigint', (column) => column.notNull().defaultTo(0)).execute();
  // The feed reads one user's tasks in (change_seq, id) order from a position: one range scan.
  await db.schema.createIndex('tasks_user_change_idx').on('tasks').columns(['user_id', 'change_seq', 'id']).execute();

  await db.schema
    .createTable('task_deletions')
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('seq', 'bigint', (column) => column.notNull())
    .addColumn('task_id', 'bigint', (column) => column.notNull())
    .addColumn('deleted_at', sql`timestamptz(3)`, (column) => column.notNull())
    .addPrimaryKeyConstraint('task_deletions_pkey', ['user_id', 'seq', 'task_id'])
    .execute();
  // Deletions past their retention are found oldest first.
  await db.schema.createIndex('task_deletions_deleted_at_idx').on('task_deletions').column('deleted_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('task_deletions').execute();
  await db.schema.dropIndex('tasks_user_change_idx').execute();
  await db.schema.alterTable('tasks').dropColumn('change_seq').execute();
  await db.schema.dropTable('change_feeds').execute();
}
