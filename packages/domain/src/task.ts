import type { TaskId, UserId } from './ids.js';
import { err, ok, type Result } from './result.js';
import { taskInvalid, taskNotFound, type FieldIssue, type TaskInvalid, type TaskNotFound } from './task-errors.js';

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 1000;

/** A stored task. Readonly: every change makes a new value. */
export interface Task {
  readonly id: TaskId;
  readonly userId: UserId;
  readonly title: string;
  readonly description: string | null;
  readonly completed: boolean;
  /** Increases by one with every write; the basis of ETags and conditional writes. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A valid task not stored yet: the store assigns its id and first version. */
export type NewTask = Omit<Task, 'id' | 'version'>;

/** What a caller asks for when creating a task, before validation. */
export interface TaskDraft {
  readonly title: string;
  readonly description?: string | null | undefined;
  readonly completed?: boolean | undefined;
}

/** A validated set of changes: a field that is absent is left as it is. */
export interface TaskChanges {
  readonly title?: string;
  readonly description?: string | null;
  readonly completed?: boolean;
}

/** What a caller asks to change, before validation. */
export type TaskChangesDraft = { readonly [K in keyof TaskChanges]?: TaskChanges[K] | undefined };

const codePointLength = (text: string): number => {
  let length = 0;
  for (const _ of text) length++;
  return length;
};

/** A title is trimmed, then must hold 1 to 200 characters (Unicode code points). */
export function parseTitle(raw: string): Result<string, FieldIssue> {
  const title = raw.trim();
  if (title.length === 0) return err({ field: 'title', message: 'must not be empty' });
  if (codePointLength(title) > TITLE_MAX_LENGTH) {
    return err({ field: 'title', message: `must be at most ${TITLE_MAX_LENGTH} characters` });
  }
  return ok(title);
}

/** A description is kept as written, up to 1000 characters; null means "no description". */
export function parseDescription(raw: string | null): Result<string | null, FieldIssue> {
  if (raw !== null && codePointLength(raw) > DESCRIPTION_MAX_LENGTH) {
    return err({ field: 'description', message: `must be at most ${DESCRIPTION_MAX_LENGTH} characters` });
  }
  return ok(raw);
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
  return issues.length > 0 ? err(taskInvalid(issues)) : ok(changes);
}

/** Makes a new, valid task owned by `owner`, or says which fields are wrong. */
export function createTask(owner: UserId, draft: TaskDraft, now: Date): Result<NewTask, TaskInvalid> {
  const changes = parseTaskChanges(draft);
  if (!changes.ok) return changes;
  const { title, description = null, completed = false } = changes.value;
  // parseTaskChanges keeps a defined title, and TaskDraft requires one.
  return ok({ userId: owner, title: title!, description, completed, createdAt: now, updatedAt: now });
}

/** Applies validated changes: named fields change, the rest stay; every write is a new version. */
export function applyTaskChanges(task: Task, changes: TaskChanges, now: Date): Task {
  return { ...task, ...changes, version: task.version + 1, updatedAt: now };
}

/** Sets the completion state explicitly, or flips it when `completed` is omitted. */
export function completionChange(task: Pick<Task, 'completed'>, completed?: boolean): TaskChanges {
  return { completed: completed ?? !task.completed };
}

/** The ownership rule: a task belongs to exactly one user, and only that user may see or change it. */
export const isOwnedBy = (task: Pick<Task, 'userId'>, user: UserId): boolean => task.userId === user;

/**
 * The only way a use case hands out a task: one that is missing and one owned by somebody else
 * are the same error, so that no answer reveals whether another user's task exists.
 */
export function ownedTask(task: Task | null, user: UserId, id: TaskId): Result<Task, TaskNotFound> {
  return task !== null && isOwnedBy(task, user) ? ok(task) : err(taskNotFound(id));
}
