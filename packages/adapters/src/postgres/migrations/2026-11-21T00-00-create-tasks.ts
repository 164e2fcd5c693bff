import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a released migration, add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'bigint', (column) => column.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'text', (column) => column.notNull().check(sql`char_length(user_id) between 1 and 255`))
    .addColumn('title', 'text', (column) =>
      column.notNull().check(sql`char_length(title) between 1 and 200 and btrim(title) <> ''`),
    )
    .addColumn('description', 'text', (column) => column.check(sql`char_length(description) <= 1000`))
    .addColumn('completed', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('version', 'integer', (column) => column.notNull().defaultTo(1).check(sql`version >= 1`))
    // Millisecond precision, as on the wire: a cursor holding a timestamp must match the stored value exactly.
    .addColumn('created_at', sql`timestamptz(3)`, (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  // One index per sort key, each led by the owner: every list query is one user's range scan in order,
  // and `id` last makes the keyset (sort value, id) a single index condition.
  await db.schema.createIndex('tasks_user_created_idx').on('tasks').columns(['user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('tasks_user_updated_idx').on('tasks').columns(['user_id', 'updated_at', 'id']).execute();
  await db.schema
    .createIndex('tasks_user_title_idx')
    .on('tasks')
    .expression(sql`user_id, lower(title collate "C"), id`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
}
