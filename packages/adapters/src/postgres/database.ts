import type { ColumnType, Generated, Insertable, Selectable, UpdateObject } from 'kysely';

/**
 * A `bigint generated always as identity`: never written, and read as a string (pg) or a number (PGlite),
 * so the adapter reads it with `Number` (ids stay far below 2^53).
 */
type BigIntId = ColumnType<string | number, never, never>;
type Timestamp = ColumnType<Date, Date, Date>;
/** A `text[]` with a default: optional on insert. */
type TextArray = ColumnType<string[], readonly string[] | undefined, readonly string[]>;

export interface TaskTable {
  id: BigIntId;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  /** 1 low, 2 medium, 3 high (`PRIORITY_RANK`): the sort order is the number's. */
  priority: Generated<number>;
  /** As the user spelt them, sorted by key. */
  tags: TextArray;
  /** `tagKey` of each tag, in the same order: what tag filters match (GIN index). */
  tag_keys: TextArray;
  due_date: Date | null;
  completed_at: Date | null;
  /** `foldCase(title)` and `foldCase(description)`: what `q` searches (trigram index), written with their sources. */
  title_folded: string;
  description_folded: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The `seq` of the task's latest write in its owner's change feed. */
  change_seq: ColumnType<string | number, string | number | undefined, string | number>;
}

/** A `bigint` that pg reads as a string and PGlite as a number; the adapter reads it with `Number`. */
type Sequence = ColumnType<string | number, string | number, string | number>;

/** One row per user who ever wrote: the head of that user's change feed. */
export interface ChangeFeedTable {
  user_id: string;
  head_seq: Sequence;
  forgotten_seq: ColumnType<string | number, string | number | undefined, string | number>;
}

export interface TaskDeletionTable {
  user_id: string;
  seq: Sequence;
  task_id: Sequence;
  deleted_at: Timestamp;
}

export interface IdempotencyKeyTable {
  user_id: string;
  key: string;
  fingerprint: string;
  /** Names the claim of the request that holds the key; only its holder may complete or release it. */
  claim_token: Generated<string>;
  locked_until: Timestamp;
  expires_at: Timestamp;
  created_at: Timestamp;
  task_id: ColumnType<string | number | null, number | null, number | null>;
  /** The task as first created (JSON, see `kysely-idempotency-store.ts`); null while the request is in flight. */
  response: ColumnType<unknown, string | null, string | null>;
}

export interface Database {
  tasks: TaskTable;
  idempotency_keys: IdempotencyKeyTable;
  change_feeds: ChangeFeedTable;
  task_deletions: TaskDeletionTable;
}

export type TaskRow = Selectable<TaskTable>;
export type NewTaskRow = Insertable<TaskTable>;
export type TaskRowUpdate = UpdateObject<Database, 'tasks'>;
