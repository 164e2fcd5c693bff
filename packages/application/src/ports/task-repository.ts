import type { ExpectedVersions, NewTask, Task, TaskChanges, TaskId, UserId } from '@todo/domain';
import type { TaskListQuery } from '../task-list.js';

/** How many of a user's tasks are in each state, counted in one query. */
export interface TaskCounts {
  readonly total: number;
  readonly completed: number;
  /** Pending with a due date before `now` (`isOverdue`). */
  readonly overdue: number;
}

/**
 * Where tasks are kept. Every read and write names the owner: an adapter never touches
 * another user's rows, and answers `null`/`false` for "not there or not yours".
 * A write given `expected` versions applies only while the task's version is one of them, checked in the
 * same atomic write (`… WHERE version = ANY($n)`); otherwise it answers as for a missing task.
 * Every write bumps the version and `updatedAt`, and keeps `completedAt` by `completedAtAfter`.
 * Every write that changes tasks is also a change in the owner's feed (`TaskChangeFeed`), recorded in the same
 * atomic write: the changed tasks become upserts, deleted ones deletions (remembered at least
 * `DELETION_RETENTION_MS`, then forgotten by the adapter on its own, with no job to run).
 * Adapters throw `RepositoryUnavailableError` when the store cannot be reached.
 */
export interface TaskRepository {
  /** Stores a new task and returns it with its id and first version. */
  insert(task: NewTask): Promise<Task>;
  findOwned(owner: UserId, id: TaskId): Promise<Task | null>;
  /** Applies the changes in one atomic write. */
  updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date, expected?: ExpectedVersions): Promise<Task | null>;
  /** Flips `completed` in one atomic write (no read-then-write race between two tabs). */
  toggleCompletedOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<Task | null>;
  /** Deletes in one atomic write; the deletion is dated `now` in the feed. */
  deleteOwned(owner: UserId, id: TaskId, now: Date, expected?: ExpectedVersions): Promise<boolean>;
  /** Up to `query.limit` of the owner's tasks matching the query, in its order, strictly after `query.after`. */
  listOwned(owner: UserId, query: TaskListQuery): Promise<Task[]>;
  /** Counts the owner's tasks, overdue ones judged at `now`. */
  countOwned(owner: UserId, now: Date): Promise<TaskCounts>;
  /**
   * Sets `completed` on those of the given tasks that are the owner's and not already in that state, in one
   * statement, and returns them (any order). Other ids are left alone and not returned.
   */
  setCompletedManyOwned(owner: UserId, ids: readonly TaskId[], completed: boolean, now: Date): Promise<Task[]>;
  /** Deletes all of the owner's completed tasks in one statement, dated `now` in the feed; answers how many. */
  deleteCompletedOwned(owner: UserId, now: Date): Promise<number>;
}

/** The store is unreachable or refused the connection: a temporary failure, not a bug. */
export class RepositoryUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('the task store is unavailable', options);
    this.name = 'RepositoryUnavailableError';
  }
}
