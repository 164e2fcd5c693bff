import type { Task } from './types.js';

// Hand-written from contract §9 until specs/contracts/openapi.yaml describes the live routes; then these become
// aliases of the generated types (this module is the only one to change).

/** One entry of the change feed and one `data:` of the event stream. */
export type TaskChange = { readonly type: 'upsert'; readonly task: Task } | { readonly type: 'delete'; readonly id: number };

/** The answer of `GET /api/tasks/changes`: follow `cursor` while `has_more`. */
export interface ChangesPage {
  readonly changes: TaskChange[];
  readonly cursor: string;
  readonly has_more: boolean;
}
