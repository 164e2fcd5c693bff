import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a released migration, add a new one.
//
// Priorities, tags, due dates, completion times and text search on tasks; the indexes that serve every
// filter and sort of the list query; and the table that keeps idempotency keys.

/** The domain's `foldCase` as it was when this migration was written: migrations never import application code. */
const foldCase = (text: string): string => text.normalize('NFC').toLowerCase();

const BACKFILL_BATCH = 1000;

export async function up(db: Kysely<any>): Promise<void> {
  // Extensions belong to the whole database, not to a schema: put them in `public` rather than in the first
  // schema of the search path (a test's own schema, dropped with everything in it). The lock serialises
  // migrations of different schemas that would otherwise race to create them.
  await sql`select pg_advisory_xact_lock(4815162342)`.execute(db);
  await sql`create extension if not exists pg_trgm with schema public`.execute(db);
  await sql`create extension if not exists btree_gin with schema public`.execute(db);
  // An extension created earlier may live in another schema: name its operator class where it is.
  const { rows } = await sql<{ schema: string }>`
    select extnamespace::regnamespace::text as schema from pg_extension where extname = 'pg_trgm'
  `.execute(db);
  const trigramOps = sql`${sql.id(rows[0]!.schema)}.gin_trgm_ops`;

  // The domain's tag rules that SQL can state: at most 20, each 1 to 32 characters, one key per tag,
  // keys strictly increasing by code point (so sorted and distinct). Immutable: usable in a CHECK.
  await sql`
    create function task_tags_valid(tags text[], tag_keys text[]) returns boolean
    language sql immutable strict as $$
      select cardinality(tags) <= 20
        and cardinality(tag_keys) = cardinality(tags)
        and not exists (select from unnest(tags) as tag where tag is null or char_length(tag) not between 1 and 32)
        and tag_keys = array(select distinct key collate "C" from unnest(tag_keys) as key order by 1)
    $$
  `.execute(db);

  await db.schema
    .alterTable('tasks')
    // 1 low, 2 medium, 3 high: existing tasks become medium, the default.
    .addColumn('priority', 'smallint', (column) => column.notNull().defaultTo(2).check(sql`priority between 1 and 3`))
    .addColumn('tags', sql`text[]`, (column) => column.notNull().defaultTo(sql`'{}'`))
    .addColumn('tag_keys', sql`text[]`, (column) => column.notNull().defaultTo(sql`'{}'`))
    .addColumn('due_date', sql`timestamptz(3)`, (column) =>
      column.check(sql`due_date between '0001-01-01T00:00:00Z' and '9999-12-31T23:59:59.999Z'`),
    )
    .addColumn('completed_at', sql`timestamptz(3)`)
    .addColumn('title_folded', 'text')
    .addColumn('description_folded', 'text')
    .execute();

  // Existing completed tasks: their last update is the best estimate of when they were completed.
  await sql`update tasks set completed_at = updated_at where completed`.execute(db);
  // Folding happens in JavaScript (as the application does on every write), a batch at a time.
  for (let lastId: string | number = 0; ; ) {
    const batch: { id: string | number; title: string; description: string | null }[] = await db
      .selectFrom('tasks')
      .select(['id', 'title', 'description'])
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(BACKFILL_BATCH)
      .execute();
    if (batch.length === 0) break;
    const values = batch.map(
      (row) =>
        sql`(${row.id}::bigint, ${foldCase(row.title)}::text, ${row.description === null ? null : foldCase(row.description)}::text)`,
    );
    await sql`
      update tasks set title_folded = folded.title, description_folded = folded.description
      from (values ${sql.join(values)}) as folded (id, title, description)
      where tasks.id = folded.id
    `.execute(db);
    lastId = batch.at(-1)!.id;
  }

  await sql`
    alter table tasks
      alter column title_folded set not null,
      add constraint tasks_completed_at_check check ((completed_at is not null) = completed),
      add constraint tasks_tags_check check (task_tags_valid(tags, tag_keys)),
      add constraint tasks_description_folded_check check ((description_folded is null) = (description is null))
  `.execute(db);

  // The list indexes gain `completed` as a last key column: the row order is unchanged (`id` is unique), and a
  // status filter is checked on the index entry instead of on the heap row (specs/database/schema.md, section 3).
  for (const name of ['tasks_user_created_idx', 'tasks_user_updated_idx', 'tasks_user_title_idx']) {
    await db.schema.dropIndex(name).execute();
  }
  const listIndexes: Record<string, ReturnType<typeof sql>> = {
    tasks_user_created_idx: sql`created_at`,
    tasks_user_updated_idx: sql`updated_at`,
    tasks_user_title_idx: sql`lower(title collate "C")`,
    tasks_user_priority_idx: sql`priority`,
    // Tasks without a due date sort last in both orders: one index per order, each with its own stand-in.
    tasks_user_due_asc_idx: sql`coalesce(due_date, 'infinity'::timestamptz)`,
    tasks_user_due_desc_idx: sql`coalesce(due_date, '-infinity'::timestamptz)`,
  };
  for (const [name, sortKey] of Object.entries(listIndexes)) {
    // `due_date` itself rides along in one of them: the stats query counts overdue tasks with an index-only scan.
    const include = name === 'tasks_user_due_asc_idx' ? sql` include (due_date)` : sql``;
    await sql`create index ${sql.id(name)} on tasks (user_id, ${sortKey}, id, completed)${include}`.execute(db);
  }
  // btree_gin lets `user_id` lead a GIN index: one index scan finds one user's tasks with the given tags or words.
  await sql`create index tasks_user_tags_idx on tasks using gin (user_id, tag_keys)`.execute(db);
  await sql`
    create index tasks_user_search_idx on tasks
    using gin (user_id, (title_folded || E'\n' || coalesce(description_folded, '')) ${trigramOps})
  `.execute(db);

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'text', (column) => column.notNull().check(sql`char_length(user_id) between 1 and 255`))
    .addColumn('key', 'text', (column) => column.notNull().check(sql`char_length(key) between 1 and 255`))
    .addColumn('fingerprint', 'text', (column) => column.notNull())
    .addColumn('claim_token', 'uuid', (column) => column.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('locked_until', sql`timestamptz(3)`, (column) => column.notNull())
    .addColumn('expires_at', sql`timestamptz(3)`, (column) => column.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (column) => column.notNull())
    // No foreign key: the answer is replayed as first given, even once the task is deleted.
    .addColumn('task_id', 'bigint')
    .addColumn('response', 'jsonb')
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['user_id', 'key'])
    .addCheckConstraint('idempotency_keys_response_check', sql`(task_id is null) = (response is null)`)
    .execute();
  // Each claim deletes a bounded batch of expired keys, oldest first.
  await db.schema.createIndex('idempotency_keys_expires_idx').on('idempotency_keys').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  for (const name of [
    'tasks_user_search_idx',
    'tasks_user_tags_idx',
    'tasks_user_due_desc_idx',
    'tasks_user_due_asc_idx',
    'tasks_user_priority_idx',
    'tasks_user_title_idx',
    'tasks_user_updated_idx',
    'tasks_user_created_idx',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema
    .alterTable('tasks')
    .dropColumn('priority')
    .dropColumn('tags')
    .dropColumn('tag_keys')
    .dropColumn('due_date')
    .dropColumn('completed_at')
    .dropColumn('title_folded')
    .dropColumn('description_folded')
    .execute();
  await sql`drop function task_tags_valid(text[], text[])`.execute(db);
  // The indexes as the first migration made them. The extensions stay: other objects may use them.
  await db.schema.createIndex('tasks_user_created_idx').on('tasks').columns(['user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('tasks_user_updated_idx').on('tasks').columns(['user_id', 'updated_at', 'id']).execute();
  await db.schema.createIndex('tasks_user_title_idx').on('tasks').expression(sql`user_id, lower(title collate "C"), id`).execute();
}
