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

export type TaskError = TaskNotFound | TaskInvalid;
export type TaskErrorCode = TaskError['code'];

export const taskNotFound = (taskId: TaskId): TaskNotFound => ({ code: 'task.not_found', taskId });
export const taskInvalid = (issues: readonly FieldIssue[]): TaskInvalid => ({ code: 'task.invalid', issues });
