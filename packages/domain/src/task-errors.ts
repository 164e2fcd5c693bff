import type { TaskId } from './ids.js';

/** One invalid field of an input, named as the caller named it. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export interface TaskNotFound {
  readonly code: 'task.not_found';
  readonly taskId: TaskId;
}

export interface TaskInvalid {
  readonly code: 'task.invalid';
  readonly issues: readonly FieldIssue[];
}

/** A conditional write (`If-Match`) found the task at another version: someone changed it meanwhile. */
export interface TaskVersionMismatch {
  readonly code: 'task.version_mismatch';
  readonly taskId: TaskId;
}

export type TaskError = TaskNotFound | TaskInvalid | TaskVersionMismatch;
export type TaskErrorCode = TaskError['code'];

export const taskNotFound = (taskId: TaskId): TaskNotFound => ({ code: 'task.not_found', taskId });
export const taskInvalid = (issues: readonly FieldIssue[]): TaskInvalid => ({ code: 'task.invalid', issues });
export const taskVersionMismatch = (taskId: TaskId): TaskVersionMismatch => ({ code: 'task.version_mismatch', taskId });
