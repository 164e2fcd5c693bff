import { TodoApiError } from './errors.js';
import type { ChangesPage } from './live-types.js';
import { Transport, type Fetch, type GetToken, type RetryOptions } from './transport.js';
import type {
  ClearedTasks,
  NewTask,
  Task,
  TaskChanges,
  TaskListQuery,
  TaskPage,
  TaskReplacement,
  TaskStats,
} from './types.js';
import { watchChanges, type ChangeListener, type WatchOptions } from './watch.js';

export interface TodoClientOptions {
  /** The API's origin, without `/api`: `http://localhost:8000`. */
  readonly baseUrl: string;
  /** Called for every request (and every retry): return the current bearer token, e.g. Better Auth's `authClient.token()`. */
  readonly getToken: GetToken;
  /** Another fetch (tests, instrumentation); the global one by default. */
  readonly fetch?: Fetch;
  /** Bounds on retrying what is safe to retry. */
  readonly retry?: RetryOptions;
}

/** A task returned by this client, or the ETag string of `GET /api/tasks/{id}`. */
export type IfMatch = Task | string;

export interface TaskApi {
  /** One page of the caller's tasks; pass `next` back as `cursor` for the following page. */
  list(query?: TaskListQuery): Promise<TaskPage>;
  /** Every task the query selects, page after page (`limit` is the page size). */
  iterate(query?: TaskListQuery): AsyncGenerator<Task, void, undefined>;
  get(id: number): Promise<Task>;
  /** Creates once: retries reuse the idempotency key (a new UUID unless one is given). */
  create(fields: NewTask, options?: { readonly idempotencyKey?: string }): Promise<Task>;
  /** PATCH: only the fields given change. With `ifMatch`, fails with 412 if the task changed meanwhile. */
  update(id: number, changes: TaskChanges, options?: { readonly ifMatch?: IfMatch }): Promise<Task>;
  /** PUT. With `ifMatch`, fails with 412 if the task changed meanwhile. */
  replace(id: number, fields: TaskReplacement, options?: { readonly ifMatch?: IfMatch }): Promise<Task>;
  /** Sets `completed`, or flips it when no value is given. */
  complete(id: number, completed?: boolean): Promise<Task>;
  delete(id: number, options?: { readonly ifMatch?: IfMatch }): Promise<void>;
  stats(): Promise<TaskStats>;
  /** Sets `completed` on many tasks; resolves with the tasks whose state changed. */
  completeMany(ids: readonly number[], completed: boolean): Promise<Task[]>;
  /** Deletes the caller's completed tasks. */
  clearCompleted(): Promise<ClearedTasks>;
  /** One page of the change feed after `since`; without it, a full sync (every current task as an upsert). */
  changes(since?: string): Promise<ChangesPage>;
  /** Calls `onChange` for every change until `signal` aborts (then the promise resolves). */
  watch(onChange: ChangeListener, options?: WatchOptions): Promise<void>;
}

export interface TodoClient {
  readonly tasks: TaskApi;
}

const TASKS = '/api/tasks';
const taskPath = (id: number) => `${TASKS}/${encodeURIComponent(id)}`;

const PRECONDITION_FAILED = {
  type: 'urn:todo-api:problem:precondition-failed',
  title: 'Precondition Failed',
  status: 412,
  detail: 'The task changed since you read it: get it again, then retry with its new ETag.',
} as const;

function listParameters(query: TaskListQuery = {}): URLSearchParams {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query) as [string, string | number | boolean | readonly string[] | undefined][]) {
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) parameters.set(name, String(value));
    // Priorities are "any of" and travel comma-separated; tags are "all of" and repeat the parameter.
    else if (name === 'priority') {
      if (value.length > 0) parameters.set(name, value.join(','));
    } else for (const item of value) parameters.append(name, String(item));
  }
  return parameters;
}

/** The cursor of the `rel="next"` URL of a `Link` header, or null. */
export function nextCursor(link: string | null): string | null {
  if (link === null) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null) continue;
    // rel may hold several relation types: rel="next last".
    const relations = /;\s*rel\s*=\s*"?([^";]*)"?/i.exec(match[2]!)?.[1]?.toLowerCase().split(/\s+/) ?? [];
    if (relations.includes('next')) return new URL(match[1]!, 'http://base.invalid').searchParams.get('cursor');
  }
  return null;
}

/** A UUID for the Idempotency-Key; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
function newIdempotencyKey(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A canonical JSON text of a task: the same for equal tasks, whatever the order of their keys. */
const canonical = (task: Task): string =>
  JSON.stringify(
    Object.keys(task)
      .sort()
      .map((key) => [key, task[key as keyof Task]]),
  );

/** The typed client of the Todo API: what a frontend's `lib/api.ts` would otherwise be. */
export function createTodoClient(options: TodoClientOptions): TodoClient {
  const transport = new Transport(options);
  // The wire's Task has no version; the ETag of the response that carried a task is remembered beside it.
  const etags = new WeakMap<Task, string>();

  const json = async <Body>(response: Response): Promise<Body> => (await response.json()) as Body;
  const taskOf = async (response: Response): Promise<Task> => {
    const task = await json<Task>(response);
    const etag = response.headers.get('etag');
    if (etag !== null) etags.set(task, etag);
    return task;
  };

  const get = async (id: number): Promise<Task> =>
    taskOf(await transport.send({ method: 'GET', path: taskPath(id), replayable: true }));

  /** The If-Match header for a write to task `id`. */
  const ifMatchHeaders = async (id: number, ifMatch: IfMatch | undefined): Promise<Record<string, string>> => {
    if (ifMatch === undefined) return {};
    if (typeof ifMatch === 'string') return { 'if-match': ifMatch };
    const known = etags.get(ifMatch);
    if (known !== undefined) return { 'if-match': known };
    // A task from a list, the feed or a copy carries no ETag: take the current one only if the task is still exactly
    // as given, else the write would overwrite a change the caller never saw.
    const current = await get(id);
    if (canonical(current) !== canonical(ifMatch)) throw new TodoApiError(PRECONDITION_FAILED);
    return { 'if-match': etags.get(current)! };
  };

  const readChanges = async (since: string | undefined, signal?: AbortSignal): Promise<ChangesPage> => {
    const query = new URLSearchParams(since === undefined ? {} : { since });
    return json<ChangesPage>(await transport.send({ method: 'GET', path: `${TASKS}/changes`, query, replayable: true, signal }));
  };

  const list = async (query?: TaskListQuery): Promise<TaskPage> => {
    const response = await transport.send({ method: 'GET', path: TASKS, query: listParameters(query), replayable: true });
    return { tasks: await json<Task[]>(response), next: nextCursor(response.headers.get('link')) };
  };

  const tasks: TaskApi = {
    list,

    async *iterate(query = {}) {
      let cursor: string | undefined = query.cursor;
      do {
        const page = await list({ ...query, cursor });
        yield* page.tasks;
        cursor = page.next ?? undefined;
      } while (cursor !== undefined);
    },

    get,

    async create(fields, { idempotencyKey = newIdempotencyKey() } = {}) {
      const headers = { 'idempotency-key': idempotencyKey };
      return taskOf(await transport.send({ method: 'POST', path: TASKS, body: fields, headers, replayable: true }));
    },

    async update(id, changes, { ifMatch } = {}) {
      const headers = await ifMatchHeaders(id, ifMatch);
      const replayable = ifMatch === undefined;
      return taskOf(await transport.send({ method: 'PATCH', path: taskPath(id), body: changes, headers, replayable }));
    },

    async replace(id, fields, { ifMatch } = {}) {
      const headers = await ifMatchHeaders(id, ifMatch);
      const replayable = ifMatch === undefined;
      return taskOf(await transport.send({ method: 'PUT', path: taskPath(id), body: fields, headers, replayable }));
    },

    async complete(id, completed) {
      const path = `${taskPath(id)}/complete`;
      // Setting a value twice is setting it once; flipping twice is not.
      const body = completed === undefined ? undefined : { completed };
      return taskOf(await transport.send({ method: 'PATCH', path, body, replayable: completed !== undefined }));
    },

    async delete(id, { ifMatch } = {}) {
      const headers = await ifMatchHeaders(id, ifMatch);
      await transport.send({ method: 'DELETE', path: taskPath(id), headers, replayable: false });
    },

    async stats() {
      return json<TaskStats>(await transport.send({ method: 'GET', path: `${TASKS}/stats`, replayable: true }));
    },

    async completeMany(ids, completed) {
      const body = { ids: [...ids], completed };
      return json<Task[]>(await transport.send({ method: 'PATCH', path: `${TASKS}/complete`, body, replayable: false }));
    },

    async clearCompleted() {
      const query = new URLSearchParams({ status: 'completed' });
      return json<ClearedTasks>(await transport.send({ method: 'DELETE', path: TASKS, query, replayable: false }));
    },

    changes: (since) => readChanges(since),

    watch: (onChange, watchOptions) => watchChanges(transport, readChanges, onChange, watchOptions),
  };

  return { tasks };
}
