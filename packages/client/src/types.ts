import type { components, operations } from './openapi-types.js';

type JsonRequestBody<Operation> = Operation extends { requestBody?: { content: { 'application/json': infer Body } } }
  ? Body
  : never;
type JsonResponse<Operation, Status extends number> = Operation extends {
  responses: { [S in Status]: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

/** A task exactly as the wire carries it (snake_case). */
export type Task = components['schemas']['Task'];
/** An RFC 9457 problem: the body of every error answer. */
export type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];
export type Priority = Task['priority'];

/** The fields of `POST /api/tasks`. */
export type NewTask = JsonRequestBody<operations['createTask']>;
/** The fields of `PATCH /api/tasks/{id}`: only those given change. */
export type TaskChanges = JsonRequestBody<operations['updateTask']>;
/** The fields of `PUT /api/tasks/{id}`. */
export type TaskReplacement = JsonRequestBody<operations['replaceTask']>;
export type TaskStats = JsonResponse<operations['getTaskStats'], 200>;
export type ClearedTasks = JsonResponse<operations['clearCompletedTasks'], 200>;

type WireListQuery = NonNullable<operations['listTasks']['parameters']['query']>;

/** The query of `GET /api/tasks`; `priority` and `tag` take one value or several. */
export type TaskListQuery = Omit<WireListQuery, 'priority' | 'tag'> & {
  /** Tasks of any of these priorities. */
  readonly priority?: Priority | readonly Priority[];
  /** Tasks carrying all of these tags. */
  readonly tag?: string | readonly string[];
};

/** One page of the list: `next` is the cursor of the following page, or `null` on the last one. */
export interface TaskPage {
  readonly tasks: Task[];
  readonly next: string | null;
}
