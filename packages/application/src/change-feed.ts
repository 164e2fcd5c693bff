import { err, ok, type Result, type TaskChange, type UserId } from '@todo/domain';
import { decodeOpaque, encodeOpaque } from './opaque-text.js';
import type { FeedPosition } from './ports/task-change-feed.js';

/** Deletions stay in the feed this long at least; a cursor that may have missed a forgotten one is expired. */
export const DELETION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
export const CHANGES_LIMIT = { min: 1, max: 1000, default: 500 } as const;

/** The cursor is malformed, another user's, or older than the deletions the feed remembers: start over with a full sync. */
export interface FeedCursorExpired {
  readonly code: 'feed.cursor_expired';
}
export const feedCursorExpired = (): FeedCursorExpired => ({ code: 'feed.cursor_expired' });

/** After every id: the position of a whole write, or of the feed's head. */
export const END_OF_SEQ = Number.MAX_SAFE_INTEGER;
export const positionAtSeq = (seq: number): FeedPosition => ({ seq, id: END_OF_SEQ });

export const compareFeedPositions = (a: FeedPosition, b: FeedPosition): number => a.seq - b.seq || a.id - b.id;

/** A change with the cursor that resumes right after it. */
export interface CursoredChange {
  readonly change: TaskChange;
  readonly cursor: string;
}

/**
 * Where a client stands in its feed. A full sync (a read without a cursor) hands every current task but no
 * deletion; its cursors remember when it began (`fullSyncStartedAt`), since the deletions it needs are those
 * made after that, kept for the retention period, even if older ones were forgotten meanwhile.
 */
export interface FeedCursor {
  readonly position: FeedPosition;
  readonly fullSyncStartedAt?: number | undefined;
}

interface CursorPayload {
  /** A tag of the owner: another user's cursor is refused, not misread. */
  readonly u: string;
  readonly s: number;
  readonly i: number;
  readonly f?: number;
}

/** FNV-1a over UTF-16 code units, in hex: tells owners apart in a cursor without carrying the user id. */
function ownerTag(owner: UserId): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < owner.length; index++) {
    hash ^= owner.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

export function encodeFeedCursor(owner: UserId, { position, fullSyncStartedAt }: FeedCursor): string {
  const payload: CursorPayload = {
    u: ownerTag(owner),
    s: position.seq,
    i: position.id,
    ...(fullSyncStartedAt === undefined ? {} : { f: fullSyncStartedAt }),
  };
  return encodeOpaque(payload);
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Reads back a cursor this service issued to `owner`; anything else is expired. */
export function decodeFeedCursor(owner: UserId, cursor: string): Result<FeedCursor, FeedCursorExpired> {
  const payload = decodeOpaque(cursor) as Partial<CursorPayload> | null | undefined;
  if (typeof payload !== 'object' || payload === null || payload.u !== ownerTag(owner)) return err(feedCursorExpired());
  const { s: seq, i: id, f: fullSyncStartedAt } = payload;
  if (!isCount(seq) || !isCount(id) || (fullSyncStartedAt !== undefined && !isCount(fullSyncStartedAt))) {
    return err(feedCursorExpired());
  }
  return ok({ position: { seq, id }, fullSyncStartedAt });
}

/**
 * True when a read from `cursor` may miss a deletion the feed no longer has: a cursor before the forgotten
 * deletions, or a full sync begun longer ago than they are kept.
 */
export function cursorExpired(cursor: FeedCursor, forgottenSeq: number, now: Date): boolean {
  if (cursor.fullSyncStartedAt !== undefined) return now.getTime() - cursor.fullSyncStartedAt >= DELETION_RETENTION_MS;
  return compareFeedPositions(cursor.position, positionAtSeq(forgottenSeq)) < 0;
}
