import type { components, operations } from './openapi-types.js';

/** One entry of the change feed and one `data:` of the event stream (contract §9). */
export type TaskChange = components['schemas']['Change'];

/** The answer of `GET /api/tasks/changes`: follow `cursor` while `has_more`. */
export type ChangesPage = operations['listTaskChanges']['responses'][200]['content']['application/json'];
