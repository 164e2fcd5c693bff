import {
  createTask,
  err,
  isOwnedBy,
  ok,
  ownedTask,
  parseTaskChanges,
  taskInvalid,
  taskNotFound,
  type Result,
  type Task,
  type TaskChangesDraft,
  type TaskDraft,
  type TaskId,
  type TaskInvalid,
  type TaskNotFound,
  type UserId,
} from '@todo/domain';
import type { Clock } from './ports/clock.js';
import type { TaskRepository } from './ports/task-repository.js';
import { decodeCursor, encodeCursor, positionOf, type TaskListQuery } from './task-list.js';

export interface TaskUseCaseDependencies {
  readonly tasks: TaskRepository;
  readonly clock: Clock;
}

export interface ListTasksRequest extends Omit<TaskListQuery, 'after'> {
  /** The cursor of the previous page, as this service issued it. */
  readonly cursor?: string | undefined;
}

export interface TaskListing {
  readonly tasks: readonly Task[];
  /** Present when more tasks follow: pass it back as `cursor` to get them. */
  readonly nextCursor: string | null;
}

/** Every intent a user has about their tasks. The acting user always comes first. */
export function createTaskUseCases({ tasks, clock }: TaskUseCaseDependencies) {
  async function changeTask(actor: UserId, id: TaskId, draft: TaskChangesDraft): Promise<Result<Task, TaskInvalid | TaskNotFound>> {
    const changes = parseTaskChanges(draft);
    if (!changes.ok) return changes;
    return ownedTask(await tasks.updateOwned(actor, id, changes.value, clock.now()), actor, id);
  }

  return {
    async createTask(actor: UserId, draft: TaskDraft): Promise<Result<Task, TaskInvalid>> {
      const task = createTask(actor, draft, clock.now());
      if (!task.ok) return task;
      return ok(await tasks.insert(task.value));
    },

    async getTask(actor: UserId, id: TaskId): Promise<Result<Task, TaskNotFound>> {
      return ownedTask(await tasks.findOwned(actor, id), actor, id);
    },

    async listTasks(actor: UserId, request: ListTasksRequest): Promise<Result<TaskListing, TaskInvalid>> {
      const after = request.cursor === undefined ? ok(null) : decodeCursor(request.cursor, request);
      if (!after.ok) return err(taskInvalid([after.error]));
      // One extra row tells whether another page follows, without a count query.
      const found = await tasks.listOwned(actor, { ...request, limit: request.limit + 1, after: after.value });
      const page = found.slice(0, request.limit).filter((task) => isOwnedBy(task, actor));
      const last = page.at(-1);
      const nextCursor = found.length > request.limit && last ? encodeCursor(request, positionOf(last, request.sort)) : null;
      return ok({ tasks: page, nextCursor });
    },

    /** PUT: the title is required, every other field optional; fields not named keep their value. */
    replaceTask(actor: UserId, id: TaskId, draft: TaskDraft): Promise<Result<Task, TaskInvalid | TaskNotFound>> {
      return changeTask(actor, id, draft);
    },

    /** PATCH: only the fields named change. */
    updateTask(actor: UserId, id: TaskId, draft: TaskChangesDraft): Promise<Result<Task, TaskInvalid | TaskNotFound>> {
      return changeTask(actor, id, draft);
    },

    /** Sets `completed` when given, flips it otherwise. */
    async setCompletion(actor: UserId, id: TaskId, completed?: boolean): Promise<Result<Task, TaskNotFound>> {
      const changed =
        completed === undefined
          ? await tasks.toggleCompletedOwned(actor, id, clock.now())
          : await tasks.updateOwned(actor, id, { completed }, clock.now());
      return ownedTask(changed, actor, id);
    },

    async deleteTask(actor: UserId, id: TaskId): Promise<Result<void, TaskNotFound>> {
      return (await tasks.deleteOwned(actor, id)) ? ok(undefined) : err(taskNotFound(id));
    },
  };
}

export type TaskUseCases = ReturnType<typeof createTaskUseCases>;
