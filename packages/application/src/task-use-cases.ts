import {
  createTask,
  err,
  isOwnedBy,
  ok,
  ownedTask,
  parseTaskChanges,
  refusedWrite,
  taskInvalid,
  type ExpectedVersions,
  type Result,
  type Task,
  type TaskChangesDraft,
  type TaskDraft,
  type TaskError,
  type TaskId,
  type TaskInvalid,
  type TaskNotFound,
  type TaskVersionMismatch,
  type UserId,
} from '@todo/domain';
import {
  fingerprintOf,
  IDEMPOTENCY_CLAIM_LEASE_MS,
  IDEMPOTENCY_KEY_LIFETIME_MS,
  idempotencyKeyInFlight,
  idempotencyKeyReused,
  parseIdempotencyKey,
  type IdempotencyError,
} from './idempotency.js';
import { createChangeFeedUseCases, type ChangeFeedUseCaseDependencies } from './change-feed-use-cases.js';
import type { FeedCursorExpired } from './change-feed.js';
import type { Clock } from './ports/clock.js';
import type { IdempotencyStore } from './ports/idempotency-store.js';
import type { TaskRepository } from './ports/task-repository.js';
import {
  decodeListCursor,
  encodeCursor,
  parseFilters,
  positionOf,
  type SortOrder,
  type TaskFiltersRequest,
  type TaskPosition,
  type TaskSortKey,
} from './task-list.js';

export interface TaskUseCaseDependencies extends ChangeFeedUseCaseDependencies {
  readonly tasks: TaskRepository;
  readonly clock: Clock;
  readonly idempotency: IdempotencyStore;
}

/** Every failure a use case can answer with. */
export type UseCaseError = TaskError | IdempotencyError | FeedCursorExpired;
export type UseCaseErrorCode = UseCaseError['code'];

export interface ListTasksRequest extends TaskFiltersRequest {
  readonly sort: TaskSortKey;
  readonly order: SortOrder;
  readonly limit: number;
  /** The cursor of the previous page, as this service issued it. */
  readonly cursor?: string | undefined;
}

export interface TaskListing {
  readonly tasks: readonly Task[];
  /** Present when more tasks follow: pass it back as `cursor` to get them. */
  readonly nextCursor: string | null;
}

export interface TaskStats {
  readonly total: number;
  readonly completed: number;
  readonly pending: number;
  readonly overdue: number;
}

/** The answer to a create with an idempotency key: the task, and whether it was created by an earlier request. */
export interface IdempotentCreation {
  readonly task: Task;
  readonly replayed: boolean;
}

/** How many tasks one bulk completion may name. */
export const BULK_COMPLETION_MAX_IDS = 200;

const byId = (a: Task, b: Task) => a.id - b.id;

/** Every intent a user has about their tasks. The acting user always comes first. */
export function createTaskUseCases({ tasks, clock, idempotency, changes, signals }: TaskUseCaseDependencies) {
  /** Every write that changed something ends here: the followers of the actor's feed learn that it moved. */
  function announced<T>(actor: UserId, value: T): T {
    signals.announce(actor);
    return value;
  }

  /** A write that changed nothing: tells "not found" from "changed meanwhile", reading only on this failure path. */
  async function refusal(actor: UserId, id: TaskId, expected: ExpectedVersions | undefined) {
    return refusedWrite(expected === undefined ? null : await tasks.findOwned(actor, id), actor, id, expected);
  }

  function written(actor: UserId, task: Task | null): task is Task {
    return task !== null && isOwnedBy(task, actor);
  }

  async function changeTask(
    actor: UserId,
    id: TaskId,
    draft: TaskChangesDraft,
    expected: ExpectedVersions | undefined,
  ): Promise<Result<Task, TaskInvalid | TaskNotFound | TaskVersionMismatch>> {
    const parsed = parseTaskChanges(draft);
    if (!parsed.ok) return parsed;
    const changed = await tasks.updateOwned(actor, id, parsed.value, clock.now(), expected);
    return written(actor, changed) ? ok(announced(actor, changed)) : err(await refusal(actor, id, expected));
  }

  return {
    async createTask(actor: UserId, draft: TaskDraft): Promise<Result<Task, TaskInvalid>> {
      const task = createTask(actor, draft, clock.now());
      if (!task.ok) return task;
      return ok(announced(actor, await tasks.insert(task.value)));
    },

    /**
     * A create that a retry cannot repeat: the first request with `key` creates the task; a later one with
     * the same content gets that same task back (`replayed`), one with other content is refused, and one
     * that comes while the first is still running is told so.
     */
    async createTaskOnce(
      actor: UserId,
      key: string,
      draft: TaskDraft,
    ): Promise<Result<IdempotentCreation, TaskInvalid | IdempotencyError>> {
      const validKey = parseIdempotencyKey(key);
      if (!validKey.ok) return err(taskInvalid([validKey.error]));
      const now = clock.now();
      const task = createTask(actor, draft, now);
      if (!task.ok) return task;
      const request = { owner: actor, key, fingerprint: await fingerprintOf(draft) };
      const claim = await idempotency.claim(request, {
        now,
        leaseUntil: new Date(now.getTime() + IDEMPOTENCY_CLAIM_LEASE_MS),
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_LIFETIME_MS),
      });
      if (!claim.claimed) {
        if (claim.fingerprint !== request.fingerprint) return err(idempotencyKeyReused());
        return claim.task === null ? err(idempotencyKeyInFlight()) : ok({ task: claim.task, replayed: true });
      }
      try {
        const created = await idempotency.insertTask(request, claim.token, task.value);
        return created === null ? err(idempotencyKeyInFlight()) : ok(announced(actor, { task: created, replayed: false }));
      } catch (error) {
        // The transaction did not commit (or its outcome is unknown: the release frees only a key with no
        // task): free the key so that the client's retry runs without waiting for the lease. The answer does not
        // wait for it: after a timeout the release would queue on the same row lock and push the answer late.
        void idempotency.release(request, claim.token).catch(() => undefined);
        throw error;
      }
    },

    async getTask(actor: UserId, id: TaskId): Promise<Result<Task, TaskNotFound>> {
      return ownedTask(await tasks.findOwned(actor, id), actor, id);
    },

    async listTasks(actor: UserId, request: ListTasksRequest): Promise<Result<TaskListing, TaskInvalid>> {
      const { sort, order, limit } = request;
      const filters = parseFilters(request, clock.now());
      const after = request.cursor === undefined ? ok(null) : decodeListCursor(request.cursor, request);
      if (!filters.ok || !after.ok) {
        return err(taskInvalid([...(filters.ok ? [] : filters.error), ...(after.ok ? [] : [after.error])]));
      }
      // One extra row tells whether another page follows, without a count query.
      const found = await tasks.listOwned(actor, { ...filters.value, sort, order, limit: limit + 1, after: after.value });
      const page = found.slice(0, limit).filter((task) => isOwnedBy(task, actor));
      const last = page.at(-1);
      const next: TaskPosition | null = found.length > limit && last ? positionOf(last, sort, order) : null;
      return ok({ tasks: page, nextCursor: next === null ? null : encodeCursor(request, next) });
    },

    async getStats(actor: UserId): Promise<Result<TaskStats, never>> {
      const { total, completed, overdue } = await tasks.countOwned(actor, clock.now());
      return ok({ total, completed, pending: total - completed, overdue });
    },

    /**
     * PUT: the same as PATCH. Many frontends send partial PUTs, so a field the request does not name keeps its
     * value (an older client must not erase what a newer one set) and no field is required.
     */
    replaceTask(
      actor: UserId,
      id: TaskId,
      draft: TaskChangesDraft,
      expected?: ExpectedVersions,
    ): Promise<Result<Task, TaskInvalid | TaskNotFound | TaskVersionMismatch>> {
      return changeTask(actor, id, draft, expected);
    },

    /** PATCH: only the fields named change. */
    updateTask(
      actor: UserId,
      id: TaskId,
      draft: TaskChangesDraft,
      expected?: ExpectedVersions,
    ): Promise<Result<Task, TaskInvalid | TaskNotFound | TaskVersionMismatch>> {
      return changeTask(actor, id, draft, expected);
    },

    /** Sets `completed` when given, flips it otherwise. */
    async setCompletion(
      actor: UserId,
      id: TaskId,
      completed?: boolean,
      expected?: ExpectedVersions,
    ): Promise<Result<Task, TaskNotFound | TaskVersionMismatch>> {
      const changed =
        completed === undefined
          ? await tasks.toggleCompletedOwned(actor, id, clock.now(), expected)
          : await tasks.updateOwned(actor, id, { completed }, clock.now(), expected);
      return written(actor, changed) ? ok(announced(actor, changed)) : err(await refusal(actor, id, expected));
    },

    /**
     * Sets `completed` on many of the actor's tasks at once and answers with those that changed, by id.
     * Ids that are missing, another user's, or already in that state change nothing and are not listed.
     */
    async setCompletionOfMany(actor: UserId, ids: readonly TaskId[], completed: boolean): Promise<Result<Task[], TaskInvalid>> {
      const unique = [...new Set(ids)];
      if (unique.length === 0 || unique.length > BULK_COMPLETION_MAX_IDS) {
        return err(taskInvalid([{ field: 'ids', message: `must name 1 to ${BULK_COMPLETION_MAX_IDS} tasks` }]));
      }
      const changed = (await tasks.setCompletedManyOwned(actor, unique, completed, clock.now())).filter((task) => isOwnedBy(task, actor));
      if (changed.length > 0) signals.announce(actor);
      return ok(changed.sort(byId));
    },

    async deleteTask(actor: UserId, id: TaskId, expected?: ExpectedVersions): Promise<Result<void, TaskNotFound | TaskVersionMismatch>> {
      const deleted = await tasks.deleteOwned(actor, id, clock.now(), expected);
      return deleted ? ok(announced(actor, undefined)) : err(await refusal(actor, id, expected));
    },

    /** Deletes every completed task of the actor's; answers how many. */
    async clearCompleted(actor: UserId): Promise<Result<number, never>> {
      const deleted = await tasks.deleteCompletedOwned(actor, clock.now());
      if (deleted > 0) signals.announce(actor);
      return ok(deleted);
    },

    ...createChangeFeedUseCases({ changes, signals, clock }),
  };
}

export type TaskUseCases = ReturnType<typeof createTaskUseCases>;
