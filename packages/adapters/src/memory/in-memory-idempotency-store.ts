import { randomUUID } from 'node:crypto';
import type { ClaimTimes, IdempotencyClaim, IdempotencyStore, IdempotentRequest, TaskRepository } from '@todo/application';
import type { NewTask, Task } from '@todo/domain';

interface Entry {
  readonly fingerprint: string;
  readonly token: string;
  readonly leaseUntil: Date;
  readonly expiresAt: Date;
  task: Task | null;
}

/** As many expired keys as one claim deletes, like the PostgreSQL adapter. */
const SWEEP_BATCH = 100;

/**
 * Idempotency keys in process memory, over the tasks of the given repository. Every method does its
 * checks and its writes without yielding in between, so each one is atomic, as the SQL statements are.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #tasks: TaskRepository;
  readonly #entries = new Map<string, Entry>();

  constructor(tasks: TaskRepository) {
    this.#tasks = tasks;
  }

  async claim(request: IdempotentRequest, { now, leaseUntil, expiresAt }: ClaimTimes): Promise<IdempotencyClaim> {
    const id = entryId(request);
    this.#sweep(now, id);
    const entry = this.#entries.get(id);
    const free = entry === undefined || entry.expiresAt <= now || (entry.task === null && entry.leaseUntil <= now);
    if (!free) return { claimed: false, fingerprint: entry.fingerprint, task: entry.task && structuredClone(entry.task) };
    const token = randomUUID();
    this.#entries.set(id, { fingerprint: request.fingerprint, token, leaseUntil, expiresAt, task: null });
    return { claimed: true, token };
  }

  async insertTask(request: IdempotentRequest, token: string, task: NewTask): Promise<Task | null> {
    const entry = this.#entries.get(entryId(request));
    if (entry === undefined || entry.token !== token || entry.task !== null) return null;
    // The in-memory repository inserts before its promise settles: nothing runs between the check and the insert.
    const created = await this.#tasks.insert(task);
    entry.task = structuredClone(created);
    return created;
  }

  async release(request: IdempotentRequest, token: string): Promise<void> {
    const id = entryId(request);
    const entry = this.#entries.get(id);
    if (entry !== undefined && entry.token === token && entry.task === null) this.#entries.delete(id);
  }

  #sweep(now: Date, keep: string): void {
    const expired = [...this.#entries]
      .filter(([id, entry]) => id !== keep && entry.expiresAt <= now)
      .sort(([, a], [, b]) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, SWEEP_BATCH);
    for (const [id] of expired) this.#entries.delete(id);
  }
}

const entryId = ({ owner, key }: IdempotentRequest) => JSON.stringify([owner, key]);
