export { createTodoClient, type IfMatch, type TaskApi, type TodoClient, type TodoClientOptions } from './client.js';
export { TodoApiError } from './errors.js';
export type { ChangesPage, TaskChange } from './live-types.js';
export type { Fetch, GetToken, RetryOptions } from './transport.js';
export type {
  ClearedTasks,
  FieldError,
  NewTask,
  Priority,
  Problem,
  Task,
  TaskChanges,
  TaskListQuery,
  TaskPage,
  TaskReplacement,
  TaskStats,
} from './types.js';
export type { ChangeListener, WatchOptions } from './watch.js';
