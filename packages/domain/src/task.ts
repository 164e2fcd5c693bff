import { parseDateTime } from './date-time.js';
import type { TaskId, UserId } from './ids.js';
import { err, ok, type Result } from './result.js';
import { parseTags } from './tags.js';
import {
  taskInvalid,
  taskNotFound,
  taskVersionMismatch,
  type FieldIssue,
  type TaskInvalid,
  type TaskNotFound,
  type TaskVersionMismatch,
} from './task-errors.js';
import { codePointLength, parseText } from './text.js';

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 1000;

export const PRIORITIES = ['low', 'medium', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = 'medium';
/** Priorities by importance: `high` ranks highest, so it comes first in a descending priority sort. */
export const PRIORITY_RANK: Readonly<Record<Priority, 1 | 2 | 3>> = { low: 1, medium: 2, high: 3 };

/** A stored task. Readonly: every change makes a new value. */
export interface Task {
  readonly id: TaskId;
  readonly userId: UserId;
  readonly title: string;
  readonly description: string | null;
  readonly completed: boolean;
  readonly priority: Priority;
  /** Distinct by `tagKey`, sorted by it (see `parseTags`). */
  readonly tags: readonly string[];
  readonly dueDate: Date | null;
  /** When the task became completed; null exactly while it is pending. Kept by the rules, never written by a caller. */
  readonly completedAt: Date | null;
  /** Increases by one with every write; the basis of ETags and conditional writes. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A valid task not stored yet: the store assigns its id and first version. */
export type NewTask = Omit<Task, 'id' | 'version'>;

/** What a caller asks to change, before validation: wire values (a priority name, a date-time string). */
export interface TaskChangesDraft {
  readonly title?: string | undefined;
  readonly description?: string | null | undefined;
  readonly completed?: boolean | undefined;
  readonly priority?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  /** An ISO 8601 date-time with a zone; null clears it. */
  readonly dueDate?: string | null | undefined;
}

/** What a caller asks for when creating a task, before validation. */
export interface TaskDraft extends TaskChangesDraft {
  readonly title: string;
}

/** A validated set of changes: a field that is absent is left as it is. */
export interface TaskChanges {
  readonly title?: string;
  readonly description?: string | null;
  readonly completed?: boolean;
  readonly priority?: Priority;
  readonly tags?: readonly string[];
  readonly dueDate?: Date | null;
}

/** A title is a valid text (`parseText`), trimmed, then must hold 1 to 200 characters (Unicode code points). */
export function parseTitle(raw: string): Result<string, FieldIssue> {
  const text = parseText(raw, 'title');
  if (!text.ok) return text;
  const title = text.value.trim();
  if (title.length === 0) return err({ field: 'title', message: 'must not be empty' });
  if (codePointLength(title) > TITLE_MAX_LENGTH) {
    return err({ field: 'title', message: `must be at most ${TITLE_MAX_LENGTH} characters` });
  }
  return ok(title);
}

/** A description is a valid text (`parseText`) kept as written, up to 1000 characters; null means "no description". */
export function parseDescription(raw: string | null): Result<string | null, FieldIssue> {
  if (raw === null) return ok(null);
  const text = parseText(raw, 'description');
  if (!text.ok) return text;
  if (codePointLength(raw) > DESCRIPTION_MAX_LENGTH) {
    return err({ field: 'description', message: `must be at most ${DESCRIPTION_MAX_LENGTH} characters` });
  }
  return ok(raw);
}

export const isPriority = (raw: string): raw is Priority => (PRIORITIES as readonly string[]).includes(raw);

/** One of `low`, `medium`, `high`, spelt exactly so. */
export function parsePriority(raw: string, field = 'priority'): Result<Priority, FieldIssue> {
  return isPriority(raw) ? ok(raw) : err({ field, message: `must be one of: ${PRIORITIES.join(', ')}` });
}

/** A due date is an ISO 8601 date-time with a zone (see `parseDateTime`), or null for none. */
export function parseDueDate(raw: string | null): Result<Date | null, FieldIssue> {
  return raw === null ? ok(null) : parseDateTime(raw, 'due_date');
}

/** Validates a set of changes, reporting every invalid field at once. */
export function parseTaskChanges(draft: TaskChangesDraft): Result<TaskChanges, TaskInvalid> {
  const issues: FieldIssue[] = [];
  const changes: { -readonly [K in keyof TaskChanges]: TaskChanges[K] } = {};
  if (draft.title !== undefined) {
    const title = parseTitle(draft.title);
    if (title.ok) changes.title = title.value;
    else issues.push(title.error);
  }
  if (draft.description !== undefined) {
    const description = parseDescription(draft.description);
    if (description.ok) changes.description = description.value;
    else issues.push(description.error);
  }
  if (draft.completed !== undefined) changes.completed = draft.completed;
  if (draft.priority !== undefined) {
    const priority = parsePriority(draft.priority);
    if (priority.ok) changes.priority = priority.value;
    else issues.push(priority.error);
  }
  if (draft.tags !== undefined) {
    const tags = parseTags(draft.tags);
    if (tags.ok) changes.tags = tags.value;
    else issues.push(...tags.error);
  }
  if (draft.dueDate !== undefined) {
    const dueDate = parseDueDate(draft.dueDate);
    if (dueDate.ok) changes.dueDate = dueDate.value;
    else issues.push(dueDate.error);
  }
  return issues.length > 0 ? err(taskInvalid(issues)) : ok(changes);
}

/**
 * `completedAt` once `completed` is set: stamped with `now` when the task becomes completed, kept while
 * it stays completed (setting it again changes nothing), cleared when the task is reopened.
 */
export function completedAtAfter(task: Pick<Task, 'completedAt'>, completed: boolean, now: Date): Date | null {
  return completed ? (task.completedAt ?? now) : null;
}

/** Makes a new, valid task owned by `owner`, or says which fields are wrong. */
export function createTask(owner: UserId, draft: TaskDraft, now: Date): Result<NewTask, TaskInvalid> {
  const changes = parseTaskChanges(draft);
  if (!changes.ok) return changes;
  const { title, description = null, completed = false, priority = DEFAULT_PRIORITY, tags = [], dueDate = null } = changes.value;
  return ok({
    userId: owner,
    // parseTaskChanges keeps a defined title, and TaskDraft requires one.
    title: title!,
    description,
    completed,
    priority,
    tags,
    dueDate,
    completedAt: completed ? now : null,
    createdAt: now,
    updatedAt: now,
  });
}

/** Applies validated changes: named fields change, the rest stay; every write is a new version. */
export function applyTaskChanges(task: Task, changes: TaskChanges, now: Date): Task {
  const completedAt = changes.completed === undefined ? task.completedAt : completedAtAfter(task, changes.completed, now);
  return { ...task, ...changes, completedAt, version: task.version + 1, updatedAt: now };
}

/** Sets the completion state explicitly, or flips it when `completed` is omitted. */
export function completionChange(task: Pick<Task, 'completed'>, completed?: boolean): TaskChanges {
  return { completed: completed ?? !task.completed };
}

/** Overdue: still pending, and its due date has passed. */
export const isOverdue = (task: Pick<Task, 'completed' | 'dueDate'>, now: Date): boolean =>
  !task.completed && task.dueDate !== null && task.dueDate.getTime() < now.getTime();

/** A write's precondition (`If-Match`): it applies only while the task's version is one of these. */
export type ExpectedVersions = readonly number[];

/** True when a write with this precondition may apply to the task; no precondition always may. */
export const versionMatches = (task: Pick<Task, 'version'>, expected: ExpectedVersions | undefined): boolean =>
  expected === undefined || expected.includes(task.version);

/** The ownership rule: a task belongs to exactly one user, and only that user may see or change it. */
export const isOwnedBy = (task: Pick<Task, 'userId'>, user: UserId): boolean => task.userId === user;

/**
 * The only way a use case hands out a task: one that is missing and one owned by somebody else
 * are the same error, so that no answer reveals whether another user's task exists.
 */
export function ownedTask(task: Task | null, user: UserId, id: TaskId): Result<Task, TaskNotFound> {
  return task !== null && isOwnedBy(task, user) ? ok(task) : err(taskNotFound(id));
}

/**
 * Why a write changed nothing, from the task as it is now: with a precondition, a task the user owns
 * means another version was there (someone wrote meanwhile); anything else is "not found", as for reads.
 */
export function refusedWrite(
  current: Task | null,
  user: UserId,
  id: TaskId,
  expected: ExpectedVersions | undefined,
): TaskNotFound | TaskVersionMismatch {
  return current !== null && isOwnedBy(current, user) && expected !== undefined ? taskVersionMismatch(id) : taskNotFound(id);
}
