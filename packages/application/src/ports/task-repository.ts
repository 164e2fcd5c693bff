import type { NewTask, Task, TaskChanges, TaskId, UserId } from '@todo/domain';
import type { TaskListQuery } from '../task-list.js';

/**
 * Where tasks are kept. Every read and write names the owner: an adapter never touches
 * another user's rows, and answers `null`/`false` for "not there or not yours".
 * Adapters throw `RepositoryUnavailableError` when the store cannot be reached.
 */
export interface TaskRepository {
  /** Stores a new task and returns it with its id and first version. */
  insert(task: NewTask): Promise<Task>;
  findOwned(owner: UserId, id: TaskId): Promise<Task | null>;
  /** Applies the changes in one atomic write, bumping the version and `updatedAt`. */
  updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date): Promise<Task | null>;
  /** Flips `completed` in one atomic write (no read-then-write race between two tabs). */
  toggleCompletedOwned(owner: UserId, id: TaskId, now: Date): Promise<Task | null>;
  deleteOwned(owner: UserId, id: TaskId): Promise<boolean>;
  /** Up to `query.limit` of the owner's tasks matching the query, in its order, strictly after `query.after`. */
  listOwned(owner: UserId, query: TaskListQuery): Promise<Task[]>;
}

/** The store is unreachable or refused the connection: a temporary failure, not a bug. */
export class RepositoryUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('the task store is unavailable', options);
    this.name = 'RepositoryUnavailableError';
  }
}
