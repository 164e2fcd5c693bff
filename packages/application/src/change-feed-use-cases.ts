import { err, ok, taskInvalid, type Result, type TaskInvalid, type UserId } from '@todo/domain';
import {
  CHANGES_LIMIT,
  compareFeedPositions,
  cursorExpired,
  decodeFeedCursor,
  encodeFeedCursor,
  feedCursorExpired,
  positionAtSeq,
  type CursoredChange,
  type FeedCursor,
  type FeedCursorExpired,
} from './change-feed.js';
import type { ChangeSignals } from './ports/change-signals.js';
import type { Clock } from './ports/clock.js';
import type { ChangeFeedRead, FeedPosition, TaskChangeFeed } from './ports/task-change-feed.js';

export interface ChangeFeedUseCaseDependencies {
  readonly changes: TaskChangeFeed;
  readonly signals: ChangeSignals;
  readonly clock: Clock;
}

export interface ChangesRequest {
  /** A cursor this service issued; absent: a full sync. */
  readonly since?: string | undefined;
  readonly limit: number;
}

export interface ChangesPage {
  readonly changes: readonly CursoredChange[];
  /** Where the next read starts: after the last change, or at the head of the feed when nothing more follows. */
  readonly cursor: string;
  readonly hasMore: boolean;
}

/** Follows one user's changes as they are written; made by `followChanges`. */
export interface ChangeFollower {
  /**
   * The changes after those handed out before, in feed order, each with the cursor after it. Waits until there
   * are some; resolves with none once `signal` aborts. Fails with `feed.cursor_expired` if the follower fell so
   * far behind that deletions it has not seen were forgotten.
   */
  next(signal: AbortSignal): Promise<Result<readonly CursoredChange[], FeedCursorExpired>>;
  /** Stops the wake-ups. */
  close(): void;
}

/** How many changes a follower reads at once; it reads again at once while more follow. */
const FOLLOW_BATCH = 500;

const untilAborted = (signal: AbortSignal, wake: Promise<void>): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void wake.then(done);
  });

export function createChangeFeedUseCases({ changes, signals, clock }: ChangeFeedUseCaseDependencies) {
  const cursored = (actor: UserId, read: ChangeFeedRead, fullSyncStartedAt?: number): CursoredChange[] =>
    read.changes.map(({ change, position }) => ({ change, cursor: encodeFeedCursor(actor, { position, fullSyncStartedAt }) }));

  /** Where a reader stands after `read`: its last change, or the head when it reached the end. */
  const positionAfter = (read: ChangeFeedRead, before: FeedPosition | null): FeedPosition => {
    const last = read.changes.at(-1)?.position;
    if (read.hasMore && last !== undefined) return last;
    return [before, last, positionAtSeq(read.headSeq)].reduce<FeedPosition>(
      (latest, position) => (position !== null && position !== undefined && compareFeedPositions(position, latest) > 0 ? position : latest),
      { seq: 0, id: 0 },
    );
  };

  /** The cursor, when the feed can resume from it; `null` when it is malformed, another user's or expired. */
  async function resumable(actor: UserId, since: string): Promise<FeedCursor | null> {
    const cursor = decodeFeedCursor(actor, since);
    if (!cursor.ok) return null;
    const { forgottenSeq } = await changes.readChanges(actor, { after: cursor.value.position, limit: 1 });
    return cursorExpired(cursor.value, forgottenSeq, clock.now()) ? null : cursor.value;
  }

  return {
    /**
     * One page of the actor's changes after `since`, in the order the writes committed, each task once at the
     * place of its latest write; without `since`, every current task (a full sync). Following `cursor` while
     * `hasMore` ends with exactly the actor's current tasks.
     */
    async listChanges(actor: UserId, request: ChangesRequest): Promise<Result<ChangesPage, FeedCursorExpired | TaskInvalid>> {
      const { limit } = request;
      if (!Number.isSafeInteger(limit) || limit < CHANGES_LIMIT.min || limit > CHANGES_LIMIT.max) {
        return err(taskInvalid([{ field: 'limit', message: `must be an integer from ${CHANGES_LIMIT.min} to ${CHANGES_LIMIT.max}` }]));
      }
      const now = clock.now();
      let from: FeedCursor | null = null;
      if (request.since !== undefined) {
        const decoded = decodeFeedCursor(actor, request.since);
        if (!decoded.ok) return decoded;
        from = decoded.value;
      }
      const read = await changes.readChanges(actor, { after: from?.position ?? null, limit });
      if (from !== null && cursorExpired(from, read.forgottenSeq, now)) return err(feedCursorExpired());
      // A full sync keeps its start time while its pages last; once it reached the head, it is an ordinary cursor.
      const fullSyncStartedAt = read.hasMore ? (from === null ? now.getTime() : from.fullSyncStartedAt) : undefined;
      return ok({
        changes: cursored(actor, read, from === null ? now.getTime() : from.fullSyncStartedAt),
        cursor: encodeFeedCursor(actor, { position: positionAfter(read, from?.position ?? null), fullSyncStartedAt }),
        hasMore: read.hasMore,
      });
    },

    /**
     * Follows the actor's changes from `since` (replaying what came after it first), or from now. Fails at once
     * with `feed.cursor_expired` for a cursor the feed cannot resume from. Close the follower when done.
     */
    async followChanges(actor: UserId, since?: string): Promise<Result<ChangeFollower, FeedCursorExpired>> {
      let wakeUp = () => {};
      let woken = true;
      let wakeUpCall = new Promise<void>((resolve) => (wakeUp = resolve));
      // Subscribed before the first read: a write between the read and the subscription cannot go unnoticed.
      const unsubscribe = signals.subscribe(actor, () => {
        woken = true;
        wakeUp();
      });
      let start: FeedCursor | null;
      try {
        start = since === undefined ? { position: positionAtSeq(await changes.headSeq(actor)) } : await resumable(actor, since);
      } catch (error) {
        unsubscribe();
        throw error;
      }
      if (start === null) {
        unsubscribe();
        return err(feedCursorExpired());
      }
      let { position, fullSyncStartedAt } = start;

      return ok({
        async next(signal) {
          while (!signal.aborted) {
            if (!woken) {
              await untilAborted(signal, wakeUpCall);
              continue;
            }
            woken = false;
            wakeUpCall = new Promise<void>((resolve) => (wakeUp = resolve));
            const read = await changes.readChanges(actor, { after: position, limit: FOLLOW_BATCH });
            if (cursorExpired({ position, fullSyncStartedAt }, read.forgottenSeq, clock.now())) return err(feedCursorExpired());
            if (read.hasMore) woken = true;
            const batch = cursored(actor, read, fullSyncStartedAt);
            position = positionAfter(read, position);
            if (!read.hasMore) fullSyncStartedAt = undefined;
            if (batch.length > 0) return ok(batch);
          }
          return ok([]);
        },
        close: unsubscribe,
      });
    },
  };
}

export type ChangeFeedUseCases = ReturnType<typeof createChangeFeedUseCases>;
