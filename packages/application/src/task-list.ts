import {
  codePointLength,
  compareCodePoints,
  err,
  foldCase,
  isOverdue,
  ok,
  parseDateTime,
  parsePriority,
  parseTag,
  parseText,
  PRIORITY_RANK,
  MAX_TAGS,
  tagKey,
  textFault,
  TITLE_MAX_LENGTH,
  type FieldIssue,
  type Priority,
  type Result,
  type Task,
  type TaskId,
} from '@todo/domain';
import { decodeOpaque, encodeOpaque } from './opaque-text.js';

export { compareCodePoints };

export const TASK_STATUS_FILTERS = ['all', 'pending', 'completed'] as const;
export const TASK_SORT_KEYS = ['created', 'updated', 'title', 'due_date', 'priority'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
export const LIST_LIMIT = { min: 1, max: 200, default: 100 } as const;
/** The longest search text (`q`), in code points. */
export const SEARCH_MAX_LENGTH = 200;

export type TaskStatusFilter = (typeof TASK_STATUS_FILTERS)[number];
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Which tasks a listing holds. An absent filter lets every task through; filters combine with AND. */
export interface TaskFilters {
  readonly status: TaskStatusFilter;
  /** The task's priority is one of these. */
  readonly priorities?: readonly Priority[] | undefined;
  /** Tag keys (`tagKey`): the task carries every one of them. */
  readonly tags?: readonly string[] | undefined;
  /** Case-folded words (`searchWords`): each appears in the task's `searchTextOf`. */
  readonly words?: readonly string[] | undefined;
  /** The task has a due date, at or after this instant. */
  readonly dueAfter?: Date | undefined;
  /** The task has a due date, strictly before this instant. */
  readonly dueBefore?: Date | undefined;
  /** The task is overdue (`value: true`) or is not (`false`), judged at `now`. */
  readonly overdue?: { readonly value: boolean; readonly now: Date } | undefined;
}

/** Where a page ended: the sort value of its last task, and that task's id to break ties. */
export interface TaskPosition {
  readonly value: string;
  readonly id: TaskId;
}

/** What a repository is asked for: tasks matching the filters, ordered by (sort value, id), strictly after `after`. */
export interface TaskListQuery extends TaskFilters {
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

/**
 * The sort value of a task without a due date. ISO 8601 instants of the years 0001–9999 sort by code point
 * between `-infinity` and `infinity`, so these put such tasks last in both orders; PostgreSQL reads both
 * as timestamps (`coalesce(due_date, 'infinity')`), so every store orders them alike.
 */
export const NO_DUE_DATE = { asc: 'infinity', desc: '-infinity' } as const satisfies Record<SortOrder, string>;

/** The value a task sorts by: strings compared by code point, in the same order the database sorts. */
export function sortValueOf(task: Task, sort: TaskSortKey, order: SortOrder = 'asc'): string {
  switch (sort) {
    case 'created':
      return task.createdAt.toISOString();
    case 'updated':
      return task.updatedAt.toISOString();
    case 'title':
      return titleSortKey(task.title);
    case 'due_date':
      return task.dueDate?.toISOString() ?? NO_DUE_DATE[order];
    case 'priority':
      return String(PRIORITY_RANK[task.priority]);
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isInstant = (value: string) =>
  ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;

/** True when `value` is a sort value `sortValueOf` can produce: a cursor from elsewhere must not reach the database. */
export function isSortValue(value: string, sort: TaskSortKey, order: SortOrder): boolean {
  switch (sort) {
    case 'created':
    case 'updated':
      return isInstant(value);
    case 'title':
      return textFault(value) === null && codePointLength(value) <= TITLE_MAX_LENGTH;
    case 'due_date':
      return value === NO_DUE_DATE[order] || isInstant(value);
    case 'priority':
      return Object.values(PRIORITY_RANK).some((rank) => String(rank) === value);
  }
}

export const positionOf = (task: Task, sort: TaskSortKey, order: SortOrder): TaskPosition => ({
  value: sortValueOf(task, sort, order),
  id: task.id,
});

/** The total order of a listing: the sort value, then the id, both in the requested direction. */
export function comparePositions(a: TaskPosition, b: TaskPosition, order: SortOrder): number {
  const ascending = compareCodePoints(a.value, b.value) || a.id - b.id;
  return order === 'asc' ? ascending : -ascending;
}

export function compareForListing(sort: TaskSortKey, order: SortOrder): (a: Task, b: Task) => number {
  return (a, b) => comparePositions(positionOf(a, sort, order), positionOf(b, sort, order), order);
}

/**
 * The text `q` searches: title and description, case-folded, joined by a line feed. Words never hold
 * whitespace, so a word found here lies wholly in the title or wholly in the description. The PostgreSQL
 * adapter stores the two folded parts and matches `title_folded || E'\n' || description_folded` with LIKE.
 */
export const searchTextOf = (task: Pick<Task, 'title' | 'description'>): string =>
  `${foldCase(task.title)}\n${task.description === null ? '' : foldCase(task.description)}`;

/** The words of a search: split on whitespace (what `trim` removes), case-folded. A blank search has none. */
export const searchWords = (q: string): string[] =>
  q
    .split(/\s+/u)
    .filter((word) => word.length > 0)
    .map(foldCase);

/** The in-process twin of the SQL filters: every adapter must select exactly the tasks this selects. */
export function matchesFilters(task: Task, filters: TaskFilters): boolean {
  const { status, priorities, tags, words, dueAfter, dueBefore, overdue } = filters;
  if (status !== 'all' && task.completed !== (status === 'completed')) return false;
  if (priorities !== undefined && !priorities.includes(task.priority)) return false;
  if (tags !== undefined && tags.length > 0) {
    const keys = new Set(task.tags.map(tagKey));
    if (!tags.every((key) => keys.has(key))) return false;
  }
  if (words !== undefined && words.length > 0) {
    const text = searchTextOf(task);
    if (!words.every((word) => text.includes(word))) return false;
  }
  const due = task.dueDate?.getTime();
  if (dueAfter !== undefined && (due === undefined || due < dueAfter.getTime())) return false;
  if (dueBefore !== undefined && (due === undefined || due >= dueBefore.getTime())) return false;
  if (overdue !== undefined && isOverdue(task, overdue.now) !== overdue.value) return false;
  return true;
}

/** The filters as a caller names them (the query string's values), before validation. */
export interface TaskFiltersRequest {
  readonly status: TaskStatusFilter;
  /** Priority names, any of which may match. */
  readonly priority?: readonly string[] | undefined;
  /** Tags, all of which must match; compared like a task's tags (trimmed, without case). */
  readonly tag?: readonly string[] | undefined;
  readonly q?: string | undefined;
  readonly dueBefore?: string | undefined;
  readonly dueAfter?: string | undefined;
  readonly overdue?: boolean | undefined;
}

/** Validates the filters, naming each invalid one as the query string does (`priority`, `tag`, `due_before`…). */
export function parseFilters(request: TaskFiltersRequest, now: Date): Result<TaskFilters, FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const filters: { -readonly [K in keyof TaskFilters]: TaskFilters[K] } = { status: request.status };
  if (request.priority !== undefined) {
    const priorities = request.priority.map((name) => parsePriority(name));
    const wrong = priorities.find((priority) => !priority.ok);
    if (wrong && !wrong.ok) issues.push(wrong.error);
    else filters.priorities = [...new Set(priorities.flatMap((priority) => (priority.ok ? [priority.value] : [])))];
  }
  if (request.tag !== undefined && request.tag.length > 0) {
    const tags = request.tag.map(parseTag);
    const wrong = tags.find((tag) => !tag.ok);
    if (wrong && !wrong.ok) issues.push({ field: 'tag', message: wrong.error });
    else if (tags.length > MAX_TAGS) issues.push({ field: 'tag', message: `must be given at most ${MAX_TAGS} times` });
    else filters.tags = [...new Set(tags.flatMap((tag) => (tag.ok ? [tagKey(tag.value)] : [])))];
  }
  if (request.q !== undefined) {
    const q = parseText(request.q, 'q');
    if (!q.ok) issues.push(q.error);
    else if (codePointLength(q.value) > SEARCH_MAX_LENGTH) {
      issues.push({ field: 'q', message: `must be at most ${SEARCH_MAX_LENGTH} characters` });
    } else filters.words = searchWords(q.value);
  }
  for (const [raw, field, key] of [
    [request.dueAfter, 'due_after', 'dueAfter'],
    [request.dueBefore, 'due_before', 'dueBefore'],
  ] as const) {
    if (raw === undefined) continue;
    const instant = parseDateTime(raw, field);
    if (instant.ok) filters[key] = instant.value;
    else issues.push(instant.error);
  }
  if (request.overdue !== undefined) filters.overdue = { value: request.overdue, now };
  return issues.length > 0 ? err(issues) : ok(filters);
}

interface CursorPayload {
  readonly sort: TaskSortKey;
  readonly order: SortOrder;
  readonly value: string;
  readonly id: number;
}

/** An opaque cursor: clients pass it back unchanged to get the next page. */
export function encodeCursor(query: Pick<TaskListQuery, 'sort' | 'order'>, position: TaskPosition): string {
  const payload: CursorPayload = { sort: query.sort, order: query.order, value: position.value, id: position.id };
  return encodeOpaque(payload);
}

const invalidCursor = (message: string): Result<never, FieldIssue> => err({ field: 'cursor', message });

/** Reads a cursor back; one made for another sort or order is refused rather than silently misread. */
export function decodeCursor(cursor: string, query: Pick<TaskListQuery, 'sort' | 'order'>): Result<TaskPosition, FieldIssue> {
  const payload = decodeOpaque(cursor) as Partial<CursorPayload> | null | undefined;
  if (
    payload === undefined ||
    payload === null ||
    typeof payload !== 'object' ||
    typeof payload.value !== 'string' ||
    typeof payload.id !== 'number' ||
    !Number.isSafeInteger(payload.id) ||
    payload.id < 1 ||
    // Only a sort and an order this service knows are quoted back: a forged cursor's text never reaches a message.
    !(TASK_SORT_KEYS as readonly unknown[]).includes(payload.sort) ||
    !(SORT_ORDERS as readonly unknown[]).includes(payload.order)
  ) {
    return invalidCursor('is not a cursor this service issued');
  }
  if (payload.sort !== query.sort || payload.order !== query.order) {
    return invalidCursor(`was issued for sort=${String(payload.sort)}&order=${String(payload.order)}`);
  }
  return ok({ value: payload.value, id: payload.id as TaskId });
}

/** `decodeCursor`, also refusing a position whose value this sort could never produce (a forged cursor). */
export function decodeListCursor(cursor: string, query: Pick<TaskListQuery, 'sort' | 'order'>): Result<TaskPosition, FieldIssue> {
  const position = decodeCursor(cursor, query);
  if (position.ok && !isSortValue(position.value.value, query.sort, query.order)) {
    return invalidCursor('is not a cursor this service issued');
  }
  return position;
}
