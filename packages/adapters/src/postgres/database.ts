import type { ColumnType, Generated, Insertable, Selectable, UpdateObject } from 'kysely';

/**
 * A `bigint generated always as identity`: never written, and read as a string (pg) or a number (PGlite),
 * so the adapter reads it with `Number` (ids stay far below 2^53).
 */
type BigIntId = ColumnType<string | number, never, never>;
type Timestamp = ColumnType<Date, Date, Date>;

export interface TaskTable {
  id: BigIntId;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  tasks: TaskTable;
}

export type TaskRow = Selectable<TaskTable>;
export type NewTaskRow = Insertable<TaskTable>;
export type TaskRowUpdate = UpdateObject<Database, 'tasks'>;
