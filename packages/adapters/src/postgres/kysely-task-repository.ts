import { DELETION_RETENTION_MS, type TaskCounts, type TaskListQuery, type TaskRepository } from '@todo/application';
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
import { sql, type DeleteQueryBuilder, type DeleteResult, type Kysely } from 'kysely';
import { FEED_LOCKED_FIRST, forgetDeletionsBefore, TAKEN_SEQ, takeNextSeq } from './change-feed-sql.js';
import { kyselyRunner, type CompiledStatement, type StatementRunner } from './compiled-statement.js';
import type { Database } from './database.js';
import {
  FIND_OWNED,
  INSERT,
  listStatement,
  TASK_COLUMNS,
  updateStatement,
  versionIn,
  type ListArgs,
  type NewTaskValues,
  type TaskColumns,
  type UpdateArgs,
  type UpdateShape,
} from './task-statements.js';
import { rethrowUnavailable, translateUnavailable } from './unavailable.js';

const PRIORITY_OF_RANK = new Map<number, Priority>(PRIORITIES.map((name) => [PRIORITY_RANK[name], name]));

const priorityOfRank = (rank: number): Priority => {
  const priority = PRIORITY_OF_RANK.get(rank);
  if (priority === undefined) throw new Error(`unknown priority rank ${rank}`);
  return priority;
};

export const toTask = (row: TaskColumns): Task => ({
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

const toNewRow = (task: NewTask): NewTaskValues => ({
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

const updateShapeOf = (changes: TaskChanges, expected: ExpectedVersions | undefined): UpdateShape => ({
  title: changes.title !== undefined,
  description: changes.description !== undefined,
  completed: changes.completed,
  priority: changes.priority !== undefined,
  tags: changes.tags !== undefined,
  dueDate: changes.dueDate !== undefined,
  expected: expected !== undefined,
});

const updateArgsOf = (owner: UserId, id: TaskId, changes: TaskChanges, now: Date, expected: ExpectedVersions | undefined): UpdateArgs => ({
  owner,
  id,
  now,
  ...(changes.title === undefined ? {} : { title: changes.title, title_folded: foldCase(changes.title) }),
  ...(changes.description === undefined
    ? {}
    : { description: changes.description, description_folded: changes.description === null ? null : foldCase(changes.description) }),
  ...(changes.priority === undefined ? {} : { priority: PRIORITY_RANK[changes.priority] }),
  ...(changes.tags === undefined ? {} : { tags: changes.tags, tag_keys: changes.tags.map(tagKey) }),
  ...(changes.dueDate === undefined ? {} : { due_date: changes.dueDate }),
  ...(expected === undefined ? {} : { versions: expected }),
});

/** A LIKE pattern matching `word` anywhere, its wildcards taken literally (backslash is LIKE's escape). */
const containing = (word: string) => `%${word.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;

function listArgsOf(owner: UserId, query: TaskListQuery): ListArgs {
  const args: Record<string, unknown> = { owner, limit: query.limit };
  if (query.status !== 'all') args['completed'] = query.status === 'completed';
  if (query.priorities !== undefined) args['ranks'] = query.priorities.map((priority) => PRIORITY_RANK[priority]);
  if (query.tags !== undefined && query.tags.length > 0) args['tags'] = query.tags;
  query.words?.forEach((word, index) => (args[`pattern${index}`] = containing(word)));
  if (query.dueAfter !== undefined) args['dueAfter'] = query.dueAfter;
  if (query.dueBefore !== undefined) args['dueBefore'] = query.dueBefore;
  if (query.overdue !== undefined) args['now'] = query.overdue.now;
  if (query.after !== null) Object.assign(args, { afterValue: query.after.value, afterId: query.after.id });
  return args as unknown as ListArgs;
}

/** Expired deletions are looked for at most this often by one repository (on a delete: no job to run). */
const DELETION_SWEEP_INTERVAL_MS = 60_000;

/**
 * Tasks in PostgreSQL (or PGlite). Every write is one statement that also records the change in the owner's
 * feed (see change-feed-sql.ts and KyselyTaskChangeFeed).
 */
export class KyselyTaskRepository implements TaskRepository {
  readonly #db: Kysely<Database>;
  readonly #run: StatementRunner;
  #lastDeletionSweep = Number.NEGATIVE_INFINITY;

  /**
   * `db` may be a transaction. `run` runs the request path's compiled statements; by default through `db`, in
   * production straight on the connection pool (`DatabaseConnection.run`), which skips Kysely's driver layers.
   */
  constructor(db: Kysely<Database>, run: StatementRunner = kyselyRunner(db)) {
    this.#db = db;
    this.#run = run;
  }

  async insert(task: NewTask): Promise<Task> {
    const [row] = await this.#rows(INSERT, toNewRow(task));
    return toTask(row!);
  }

  async findOwned(owner: UserId, id: TaskId): Promise<Task | null> {
    const [row] = await this.#rows(FIND_OWNED, { owner, id });
    return row === undefined ? null : toTask(row);
  }

  updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    return this.#update(updateShapeOf(changes, expected), updateArgsOf(owner, id, changes, now, expected));
  }

  toggleCompletedOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<Task | null> {
    const shape = { ...updateShapeOf({}, expected), completed: 'toggle' } as const;
    return this.#update(shape, updateArgsOf(owner, id, {}, now, expected));
  }

  async deleteOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<boolean> {
    const deleted = await this.#deleteWhere(owner, now, (query) =>
      query.where('id', '=', id).$if(expected !== undefined, (where) => where.where(versionIn(expected!))),
    );
    return deleted > 0;
  }

  async listOwned(owner: UserId, query: TaskListQuery): Promise<Task[]> {
    const rows = await this.#rows(listStatement(query), listArgsOf(owner, query));
    return rows.map(toTask);
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
        .set({
          completed,
          completed_at: completed ? sql<Date>`coalesce(completed_at, ${now})` : null,
          updated_at: now,
          version: sql<number>`version + 1`,
          change_seq: TAKEN_SEQ,
        })
        .where(FEED_LOCKED_FIRST)
        .where('user_id', '=', owner)
        .where('id', 'in', [...ids])
        .where('completed', '<>', completed)
        .returning(TASK_COLUMNS)
        .execute();
      return rows.map(toTask);
    });
  }

  deleteCompletedOwned(owner: UserId, now: Date): Promise<number> {
    return this.#deleteWhere(owner, now, (query) => query.where('completed', '=', true));
  }

  async #update(shape: UpdateShape, args: UpdateArgs): Promise<Task | null> {
    const [row] = await this.#rows(updateStatement(shape), args);
    return row === undefined ? null : toTask(row);
  }

  #rows<Args>(statement: CompiledStatement<Args>, args: Args): Promise<TaskColumns[]> {
    return this.#run<TaskColumns>(statement.sql, statement.parametersOf(args)).catch(rethrowUnavailable);
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
