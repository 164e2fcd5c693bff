import {
  DELETION_RETENTION_MS,
  type SortOrder,
  type TaskCounts,
  type TaskListQuery,
  type TaskRepository,
  type TaskSortKey,
} from '@todo/application';
import {
  foldCase,
  PRIORITIES,
  PRIORITY_RANK,
  tagKey,
  type ExpectedVersions,
  type NewTask,
  type Priority,
  type Task,
  type TaskChanges,
  type TaskId,
  type UserId,
} from '@todo/domain';
import { sql, type DeleteQueryBuilder, type DeleteResult, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { FEED_LOCKED_FIRST, forgetDeletionsBefore, TAKEN_SEQ, takeNextSeq } from './change-feed-sql.js';
import type { Database, NewTaskRow, TaskRow, TaskRowUpdate } from './database.js';
import { translateUnavailable } from './unavailable.js';

const priorityOfRank = (rank: number): Priority => {
  const priority = PRIORITIES.find((name) => PRIORITY_RANK[name] === rank);
  if (priority === undefined) throw new Error(`unknown priority rank ${rank}`);
  return priority;
};

export const toTask = (row: Omit<TaskRow, 'change_seq' | 'title_folded' | 'description_folded' | 'tag_keys'>): Task => ({
  id: Number(row.id) as TaskId,
  userId: row.user_id as UserId,
  title: row.title,
  description: row.description,
  completed: row.completed,
  priority: priorityOfRank(row.priority),
  tags: row.tags,
  dueDate: row.due_date,
  completedAt: row.completed_at,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toNewRow = (task: NewTask): NewTaskRow => ({
  user_id: task.userId,
  title: task.title,
  title_folded: foldCase(task.title),
  description: task.description,
  description_folded: task.description === null ? null : foldCase(task.description),
  completed: task.completed,
  completed_at: task.completedAt,
  priority: PRIORITY_RANK[task.priority],
  tags: task.tags,
  tag_keys: task.tags.map(tagKey),
  due_date: task.dueDate,
  created_at: task.createdAt,
  updated_at: task.updatedAt,
});

/** The SQL twin of `completedAtAfter`: evaluated on the row being updated, in the same statement. */
const completedAtAfter = (completed: boolean, now: Date) => (completed ? sql<Date>`coalesce(completed_at, ${now})` : null);

const toRowUpdate = (changes: TaskChanges, now: Date): TaskRowUpdate => ({
  ...(changes.title === undefined ? {} : { title: changes.title, title_folded: foldCase(changes.title) }),
  ...(changes.description === undefined
    ? {}
    : { description: changes.description, description_folded: changes.description === null ? null : foldCase(changes.description) }),
  ...(changes.completed === undefined ? {} : { completed: changes.completed, completed_at: completedAtAfter(changes.completed, now) }),
  ...(changes.priority === undefined ? {} : { priority: PRIORITY_RANK[changes.priority] }),
  ...(changes.tags === undefined ? {} : { tags: changes.tags, tag_keys: changes.tags.map(tagKey) }),
  ...(changes.dueDate === undefined ? {} : { due_date: changes.dueDate }),
  updated_at: now,
});

/** The due date as the two due-date indexes hold it: a missing one sorts last in either order (NO_DUE_DATE). */
const DUE_ASC = sql`coalesce(due_date, 'infinity'::timestamptz)`;
const DUE_DESC = sql`coalesce(due_date, '-infinity'::timestamptz)`;

interface SortExpression {
  /** What the rows are ordered by: written exactly as in the index that serves this sort. */
  readonly column: RawBuilder<unknown>;
  /** A cursor's sort value (a string from `sortValueOf`) as a value of the column's type. */
  readonly cast: (value: string) => RawBuilder<unknown>;
}

const asTimestamp = (value: string) => sql`cast(${value} as timestamptz)`;

/** The SQL twin of `sortValueOf` in the application: same values, same order, so the indexes serve each sort. */
function sortExpression(sort: TaskSortKey, order: SortOrder): SortExpression {
  switch (sort) {
    case 'created':
      return { column: sql`created_at`, cast: asTimestamp };
    case 'updated':
      return { column: sql`updated_at`, cast: asTimestamp };
    case 'title':
      return { column: sql`lower(title collate "C")`, cast: (value) => sql`(${value} collate "C")` };
    case 'priority':
      return { column: sql`priority`, cast: (value) => sql`cast(${value} as smallint)` };
    case 'due_date':
      // NO_DUE_DATE: tasks without a due date come last, in either order.
      return { column: order === 'asc' ? DUE_ASC : DUE_DESC, cast: asTimestamp };
  }
}

/** `searchTextOf` as stored: the expression of the trigram index, which `q` matches word by word. */
const SEARCH_TEXT = sql<string>`(title_folded || E'\\n' || coalesce(description_folded, ''))`;

/** A LIKE pattern matching `word` anywhere, its wildcards taken literally (backslash is LIKE's escape). */
const containing = (word: string) => `%${word.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;

/** The SQL twin of `matchesFilters`: the same tasks, as conditions to AND together. */
function filterConditions(query: TaskListQuery, sortColumn: RawBuilder<unknown>): RawBuilder<SqlBool>[] {
  const conditions: RawBuilder<SqlBool>[] = [];
  if (query.status !== 'all') conditions.push(sql`completed = ${query.status === 'completed'}`);
  if (query.priorities !== undefined) {
    const ranks = query.priorities.map((priority) => PRIORITY_RANK[priority]);
    conditions.push(ranks.length === 0 ? sql`false` : sql`priority in (${sql.join(ranks)})`);
  }
  if (query.tags !== undefined && query.tags.length > 0) conditions.push(sql`tag_keys @> cast(${[...query.tags]} as text[])`);
  for (const word of query.words ?? []) conditions.push(sql`${SEARCH_TEXT} like ${containing(word)}`);
  // Due-date bounds are stated twice: on due_date (which keeps out tasks without one), and on an indexed
  // due-date expression (equal to due_date wherever it is set), so that they bound an index range. Under
  // sort=due_date that is the sort's own expression: the range and the order come from one index.
  const dueIndexed = query.sort === 'due_date' ? sortColumn : DUE_ASC;
  if (query.dueAfter !== undefined) conditions.push(sql`due_date >= ${query.dueAfter}`, sql`${dueIndexed} >= ${query.dueAfter}`);
  if (query.dueBefore !== undefined) conditions.push(sql`due_date < ${query.dueBefore}`, sql`${dueIndexed} < ${query.dueBefore}`);
  if (query.overdue?.value === true) {
    const { now } = query.overdue;
    conditions.push(sql`not completed and due_date < ${now}`, sql`${dueIndexed} < ${now}`);
  } else if (query.overdue?.value === false) {
    conditions.push(sql`(completed or due_date is null or due_date >= ${query.overdue.now})`);
  }
  return conditions;
}

/** Expired deletions are looked for at most this often by one repository (on a delete: no job to run). */
const DELETION_SWEEP_INTERVAL_MS = 60_000;

/**
 * Tasks in PostgreSQL (or PGlite). Every write is one statement that also records the change in the owner's
 * feed (see change-feed-sql.ts and KyselyTaskChangeFeed).
 */
export class KyselyTaskRepository implements TaskRepository {
  readonly #db: Kysely<Database>;
  #lastDeletionSweep = Number.NEGATIVE_INFINITY;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  insert(task: NewTask): Promise<Task> {
    return translateUnavailable(async () =>
      toTask(
        await this.#db
          .with('feed', takeNextSeq(task.userId))
          .insertInto('tasks')
          .values({ ...toNewRow(task), change_seq: TAKEN_SEQ })
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),
    );
  }

  findOwned(owner: UserId, id: TaskId): Promise<Task | null> {
    return translateUnavailable(async () => {
      const row = await this.#db
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', owner)
        .executeTakeFirst();
      return row ? toTask(row) : null;
    });
  }

  updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    return this.#update(owner, id, toRowUpdate(changes, now), expected);
  }

  toggleCompletedOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    // On the right of SET, `completed` is the value before the update.
    return this.#update(
      owner,
      id,
      {
        completed: sql<boolean>`not completed`,
        completed_at: sql<Date | null>`case when completed then null else cast(${now} as timestamptz) end`,
        updated_at: now,
      },
      expected,
    );
  }

  async deleteOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<boolean> {
    const deleted = await this.#deleteWhere(owner, now, (query) =>
      query.where('id', '=', id).$if(expected !== undefined, (where) => where.where(versionIn(expected!))),
    );
    return deleted > 0;
  }

  listOwned(owner: UserId, query: TaskListQuery): Promise<Task[]> {
    const { column, cast } = sortExpression(query.sort, query.order);
    const direction = query.order === 'asc' ? sql`asc` : sql`desc`;
    let select = this.#db.selectFrom('tasks').selectAll().where('user_id', '=', owner);
    for (const condition of filterConditions(query, column)) select = select.where(condition);
    if (query.after !== null) {
      const comparison = query.order === 'asc' ? sql`>` : sql`<`;
      select = select.where(sql<SqlBool>`(${column}, id) ${comparison} (${cast(query.after.value)}, ${query.after.id})`);
    }
    return translateUnavailable(async () => {
      const rows = await select
        .orderBy(sql`${column} ${direction}`)
        .orderBy(sql`id ${direction}`)
        .limit(query.limit)
        .execute();
      return rows.map(toTask);
    });
  }

  countOwned(owner: UserId, now: Date): Promise<TaskCounts> {
    return translateUnavailable(async () => {
      const counts = await this.#db
        .selectFrom('tasks')
        .select([
          sql<string | number>`count(*)`.as('total'),
          sql<string | number>`count(*) filter (where completed)`.as('completed'),
          sql<string | number>`count(*) filter (where not completed and due_date < ${now})`.as('overdue'),
        ])
        .where('user_id', '=', owner)
        .executeTakeFirstOrThrow();
      // count(*) is a bigint: a string from pg, a number from PGlite.
      return { total: Number(counts.total), completed: Number(counts.completed), overdue: Number(counts.overdue) };
    });
  }

  setCompletedManyOwned(owner: UserId, ids: readonly TaskId[], completed: boolean, now: Date): Promise<Task[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return translateUnavailable(async () => {
      const rows = await this.#db
        .with('feed', takeNextSeq(owner))
        .updateTable('tasks')
        .set({ ...toRowUpdate({ completed }, now), version: sql<number>`version + 1`, change_seq: TAKEN_SEQ })
        .where(FEED_LOCKED_FIRST)
        .where('user_id', '=', owner)
        .where('id', 'in', [...ids])
        .where('completed', '<>', completed)
        .returningAll()
        .execute();
      return rows.map(toTask);
    });
  }

  deleteCompletedOwned(owner: UserId, now: Date): Promise<number> {
    return this.#deleteWhere(owner, now, (query) => query.where('completed', '=', true));
  }

  #update(owner: UserId, id: TaskId, update: TaskRowUpdate, expected: ExpectedVersions | undefined): Promise<Task | null> {
    return translateUnavailable(async () => {
      const row = await this.#db
        .with('feed', takeNextSeq(owner))
        .updateTable('tasks')
        .set({ ...update, version: sql<number>`version + 1`, change_seq: TAKEN_SEQ })
        .where(FEED_LOCKED_FIRST)
        .where('id', '=', id)
        .where('user_id', '=', owner)
        .$if(expected !== undefined, (query) => query.where(versionIn(expected!)))
        .returningAll()
        .executeTakeFirst();
      return row ? toTask(row) : null;
    });
  }

  /** Deletes the owner's tasks that `narrow` selects, and records each deletion in the feed, in one statement. */
  async #deleteWhere(owner: UserId, now: Date, narrow: (query: TaskDeletion) => TaskDeletion): Promise<number> {
    const deleted = await translateUnavailable(async () => {
      const result = await this.#db
        .with('feed', takeNextSeq(owner))
        .with('gone', (db) => narrow(db.deleteFrom('tasks').where(FEED_LOCKED_FIRST).where('user_id', '=', owner)).returning('id'))
        .insertInto('task_deletions')
        .columns(['user_id', 'seq', 'task_id', 'deleted_at'])
        .expression((db) => db.selectFrom('gone').select([sql.lit(owner).as('user_id'), TAKEN_SEQ.as('seq'), 'id', sql`${now}::timestamptz`.as('deleted_at')]))
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    });
    if (deleted > 0) await this.#forgetExpiredDeletions(now);
    return deleted;
  }

  /** Now and then, after a delete: the deletions past their retention, of every user, are forgotten a batch at a time. */
  async #forgetExpiredDeletions(now: Date): Promise<void> {
    if (now.getTime() - this.#lastDeletionSweep < DELETION_SWEEP_INTERVAL_MS) return;
    this.#lastDeletionSweep = now.getTime();
    // The delete itself succeeded: a failed sweep is tried again by a later one, never turned into an error.
    await forgetDeletionsBefore(this.#db, new Date(now.getTime() - DELETION_RETENTION_MS)).catch(() => undefined);
  }
}

type TaskDeletion = DeleteQueryBuilder<Database, 'tasks', DeleteResult>;

/** The `If-Match` precondition, checked in the write's own WHERE clause: no read-then-write race. */
function versionIn(expected: ExpectedVersions): Expression<SqlBool> {
  if (expected.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`version in (${sql.join([...expected])})`;
}
