import type { TaskChange, UserId } from '@todo/domain';

/**
 * Where a change sits in its owner's feed. Every write of a user's tasks takes the next `seq` of that user's
 * feed; the tasks of one write (a bulk action) share it and are ordered by `id`.
 */
export interface FeedPosition {
  readonly seq: number;
  readonly id: number;
}

export interface PositionedChange {
  readonly change: TaskChange;
  readonly position: FeedPosition;
}

export interface ChangeFeedQuery {
  /** Changes strictly after this position. `null`: a full sync, every current task as an upsert and no deletions. */
  readonly after: FeedPosition | null;
  /** At most this many changes. */
  readonly limit: number;
}

/** One read of a feed, all from one consistent view of the store. */
export interface ChangeFeedRead {
  /** In feed order: by position. A task appears once, at the position of its latest write. */
  readonly changes: readonly PositionedChange[];
  /** More changes follow the last one. */
  readonly hasMore: boolean;
  /** The `seq` of the owner's latest write: every change up to it is in this read or before its start. */
  readonly headSeq: number;
  /** Deletions up to this `seq` may have been forgotten (they are kept `DELETION_RETENTION_MS` at least). */
  readonly forgottenSeq: number;
}

/**
 * The change feed of each user's tasks: what happened, in the order it committed. Adapters record a change with
 * every write of the `TaskRepository`, in the same atomic write, and keep the feed in commit order even when
 * several instances of the service write at once: a write takes its `seq` while it holds its owner's feed,
 * which it releases only when it commits, so no reader can see a `seq` before every smaller one is visible.
 */
export interface TaskChangeFeed {
  readChanges(owner: UserId, query: ChangeFeedQuery): Promise<ChangeFeedRead>;
  /** The `seq` of the owner's latest write (0 before the first). */
  headSeq(owner: UserId): Promise<number>;
}
