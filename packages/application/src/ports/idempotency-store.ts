import type { NewTask, Task, UserId } from '@todo/domain';

/** A create request that carries an `Idempotency-Key`. Keys are per user. */
export interface IdempotentRequest {
  readonly owner: UserId;
  readonly key: string;
  /** Identifies the request's content: the same key with another fingerprint is a client error. */
  readonly fingerprint: string;
}

/** The instants a claim is made with. */
export interface ClaimTimes {
  readonly now: Date;
  /** Until then the key belongs to this request; after it, a retry may take it over (the request died). */
  readonly leaseUntil: Date;
  /** Until then the key is remembered; after it, it is free again and may be deleted. */
  readonly expiresAt: Date;
}

export type IdempotencyClaim =
  /** This request holds the key now and must create the task (or release the key). */
  | { readonly claimed: true; readonly token: string }
  /** An earlier request holds the key: its fingerprint, and the task it created (null while it is still running). */
  | { readonly claimed: false; readonly fingerprint: string; readonly task: Task | null };

/**
 * Remembers which create requests were already served, so that a retry creates nothing twice.
 * It holds across every instance of the service: the PostgreSQL adapter keeps keys in the database.
 */
export interface IdempotencyStore {
  /**
   * In one atomic step: claims the key when it is free (never used, expired, or claimed by a request whose
   * lease ran out, which therefore created nothing), or reports what holds it. Expired keys, of any user,
   * are deleted a bounded batch at a time on the way: no clean-up job is needed.
   */
  claim(request: IdempotentRequest, times: ClaimTimes): Promise<IdempotencyClaim>;
  /**
   * Inserts the task and records it as the outcome of the claimed key, atomically (one transaction).
   * Returns null, inserting nothing, when the claim was lost meanwhile (another request took the key over).
   */
  insertTask(request: IdempotentRequest, token: string, task: NewTask): Promise<Task | null>;
  /** Frees a claimed key after a failure, so that a retry can run at once. */
  release(request: IdempotentRequest, token: string): Promise<void>;
}
