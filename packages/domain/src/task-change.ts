import type { TaskId } from './ids.js';
import type { Task } from './task.js';

/**
 * What one write did to one task, as the owner's other tabs, devices and agents learn it: the task as it
 * is after the write (created, changed, completed…), or its deletion. A write of several tasks at once
 * (a bulk completion, clearing completed tasks) is one change per task.
 */
export type TaskChange =
  | { readonly type: 'upsert'; readonly task: Task }
  | { readonly type: 'delete'; readonly id: TaskId };

export const taskUpserted = (task: Task): TaskChange => ({ type: 'upsert', task });
export const taskDeleted = (id: TaskId): TaskChange => ({ type: 'delete', id });

/** The task a change is about. */
export const changedTaskId = (change: TaskChange): TaskId => (change.type === 'upsert' ? change.task.id : change.id);

/**
 * Applies changes, in order, to a copy of a set of tasks by id: what a follower of the feed does. A change
 * to a task never seen makes it appear; the deletion of one never seen changes nothing.
 */
export function applyChanges(tasks: ReadonlyMap<TaskId, Task>, changes: Iterable<TaskChange>): Map<TaskId, Task> {
  const result = new Map(tasks);
  for (const change of changes) {
    if (change.type === 'upsert') result.set(change.task.id, change.task);
    else result.delete(change.id);
  }
  return result;
}
