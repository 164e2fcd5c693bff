import { err, ok, type FieldIssue, type Result, type Task, type TaskId } from '@todo/domain';

export const TASK_STATUS_FILTERS = ['all', 'pending', 'completed'] as const;
export const TASK_SORT_KEYS = ['created', 'updated', 'title'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
export const LIST_LIMIT = { min: 1, max: 200, default: 100 } as const;

export type TaskStatusFilter = (typeof TASK_STATUS_FILTERS)[number];
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Where a page ended: the sort value of its last task, and that task's id to break ties. */
export interface TaskPosition {
  readonly value: string;
  readonly id: TaskId;
}

/** What a repository is asked for: tasks matching `status`, ordered by (sort value, id), strictly after `after`. */
export interface TaskListQuery {
  readonly status: TaskStatusFilter;
  readonly sort: TaskSortKey;
  readonly order: SortOrder;
  readonly limit: number;
  readonly after: TaskPosition | null;
}

/**
 * The title sort key: ASCII letters lowered, then compared by Unicode code point. Every store
 * computes it the same way (PostgreSQL: `lower(title COLLATE "C")`), so pages never depend on a locale.
 */
export const titleSortKey = (title: string): string => title.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

export function sortValueOf(task: Task, sort: TaskSortKey): string {
  switch (sort) {
    case 'created':
      return task.createdAt.toISOString();
    case 'updated':
      return task.updatedAt.toISOString();
    case 'title':
      return titleSortKey(task.title);
  }
}

/** Orders strings by code point, as PostgreSQL's "C" collation does (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done || r.done) return (l.done ? 0 : 1) - (r.done ? 0 : 1);
    const difference = l.value.codePointAt(0)! - r.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}

export const positionOf = (task: Task, sort: TaskSortKey): TaskPosition => ({ value: sortValueOf(task, sort), id: task.id });

/** The total order of a listing: the sort value, then the id, both in the requested direction. */
export function comparePositions(a: TaskPosition, b: TaskPosition, order: SortOrder): number {
  const ascending = compareCodePoints(a.value, b.value) || a.id - b.id;
  return order === 'asc' ? ascending : -ascending;
}

export function compareForListing(sort: TaskSortKey, order: SortOrder): (a: Task, b: Task) => number {
  return (a, b) => comparePositions(positionOf(a, sort), positionOf(b, sort), order);
}

interface CursorPayload {
  readonly sort: TaskSortKey;
  readonly order: SortOrder;
  readonly value: string;
  readonly id: number;
}

const toBase64Url = (text: string): string => {
  const binary = Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join('');
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

const fromBase64Url = (encoded: string): string => {
  const binary = atob(encoded.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
};

/** An opaque cursor: clients pass it back unchanged to get the next page. */
export function encodeCursor(query: Pick<TaskListQuery, 'sort' | 'order'>, position: TaskPosition): string {
  const payload: CursorPayload = { sort: query.sort, order: query.order, value: position.value, id: position.id };
  return toBase64Url(JSON.stringify(payload));
}

const invalidCursor = (message: string): Result<never, FieldIssue> => err({ field: 'cursor', message });

/** Reads a cursor back; one made for another sort or order is refused rather than silently misread. */
export function decodeCursor(cursor: string, query: Pick<TaskListQuery, 'sort' | 'order'>): Result<TaskPosition, FieldIssue> {
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(fromBase64Url(cursor)) as Partial<CursorPayload>;
  } catch {
    return invalidCursor('is not a cursor this service issued');
  }
  if (
    payload === null ||
    typeof payload !== 'object' ||
    typeof payload.value !== 'string' ||
    typeof payload.id !== 'number' ||
    !Number.isSafeInteger(payload.id) ||
    payload.id < 1
  ) {
    return invalidCursor('is not a cursor this service issued');
  }
  if (payload.sort !== query.sort || payload.order !== query.order) {
    return invalidCursor(`was issued for sort=${String(payload.sort)}&order=${String(payload.order)}`);
  }
  return ok({ value: payload.value, id: payload.id as TaskId });
}
