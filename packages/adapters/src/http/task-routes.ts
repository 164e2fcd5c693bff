import type { TaskUseCases } from '@todo/application';
import type { Task, TaskId } from '@todo/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { requirePathUserIsCaller } from './compat-mount.js';
import { valueOf } from './error-handler.js';
import { etagOf, expectedVersions, noneMatchFails } from './etag.js';
import { problemResponses } from '../wire/problem.js';
import {
  BulkCompletionBody,
  ClearedTasks,
  ClearTasksQuery,
  CompatParams,
  CompatTaskIdParams,
  CompletionBody,
  CreateTaskBody,
  IdempotencyKeyHeaders,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  LIST_DEFAULTS,
  ListTasksQuery,
  NoQuery,
  ReplaceTaskBody,
  TaskIdParams,
  TaskStatsSchema,
  UpdateTaskBody,
  draftOf,
  toTaskResource,
} from '../wire/task-schemas.js';

export interface TaskRoutesOptions {
  readonly useCases: TaskUseCases;
  /** Mounted under `/api/{user_id}/tasks`: the path's user must be the token's, else 403. */
  readonly compat: boolean;
}

const TaskRef = Type.Ref('Task');
const TaskList = Type.Array(TaskRef, { description: 'One page of tasks.' });
const AUTHENTICATED = [{ bearerAuth: [] }];
// Every /api route can answer these; each route adds its own.
const COMMON_PROBLEMS = [401, 403, 429, 500, 503] as const;

const ETAG_HEADER = { etag: Type.String({ description: "The task's entity tag: `If-None-Match` / `If-Match` take it back." }) };

/** A documented JSON response with headers; typed as its schema, so replies stay checked against it. */
function withHeaders<Schema extends TSchema>(schema: Schema, description: string, headers: Record<string, TSchema>): Schema {
  return { description, headers, content: { 'application/json': { schema } } } as unknown as Schema;
}

const taskWithEtag = (description: string) => withHeaders(TaskRef, description, ETAG_HEADER);

function sendTask(reply: FastifyReply, task: Task, status = 200): FastifyReply {
  return reply.code(status).header('etag', etagOf(task)).send(toTaskResource(task));
}

/** The path of the collection this request addressed, whichever mount it came through. */
const collectionPath = (request: FastifyRequest): string => {
  const path = request.url.split('?', 1)[0]!;
  return path.endsWith('/') ? path.slice(0, -1) : path;
};

/** The URL of the next page: the same query, with the new cursor. */
function nextPageLink(request: FastifyRequest, cursor: string): string {
  const [path, query = ''] = request.url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('cursor', cursor);
  return `<${path}?${params.toString()}>; rel="next"`;
}

/**
 * The task routes, mounted twice: under `/api/tasks` and, for older frontends, `/api/{user_id}/tasks`.
 * Handlers only translate: the use cases decide, with the acting user passed explicitly.
 */
export const taskRoutes: FastifyPluginAsyncTypebox<TaskRoutesOptions> = async (app, { useCases, compat }) => {
  const tags = ['tasks'];
  const collectionParams = compat ? { params: CompatParams } : {};
  const taskParams = compat ? CompatTaskIdParams : TaskIdParams;
  const operationId = (name: string) => (compat ? `${name}ForUser` : name);

  if (compat) requirePathUserIsCaller(app);

  app.get(
    '/',
    {
      schema: {
        tags,
        operationId: operationId('listTasks'),
        summary: "List the caller's tasks",
        description:
          'A plain array, in pages; `Link: <…>; rel="next"` is present when more tasks follow. Filters combine (AND).',
        security: AUTHENTICATED,
        ...collectionParams,
        querystring: ListTasksQuery,
        response: {
          200: withHeaders(TaskList, 'One page of tasks.', {
            link: Type.String({ description: 'The next page: `<…&cursor=…>; rel="next"`, when more tasks follow.' }),
          }),
          ...problemResponses(...COMMON_PROBLEMS, 422),
        },
      },
    },
    async (request, reply) => {
      const { due_before: dueBefore, due_after: dueAfter, priority, ...query } = request.query;
      const listing = valueOf(
        await useCases.listTasks(request.actor, {
          ...LIST_DEFAULTS,
          ...query,
          priority: priority?.flatMap((names) => names.split(',')),
          dueBefore,
          dueAfter,
        }),
      );
      if (listing.nextCursor !== null) reply.header('link', nextPageLink(request, listing.nextCursor));
      return listing.tasks.map(toTaskResource);
    },
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        operationId: operationId('createTask'),
        summary: 'Create a task',
        description: 'With `Idempotency-Key`, a retry of the same request returns the first answer and creates nothing.',
        security: AUTHENTICATED,
        ...collectionParams,
        headers: IdempotencyKeyHeaders,
        body: CreateTaskBody,
        response: {
          201: withHeaders(TaskRef, 'Created (or, with `Idempotent-Replayed: true`, created by an earlier request).', {
            ...ETAG_HEADER,
            location: Type.String({ description: 'The URL of the task.' }),
            'idempotent-replayed': Type.Literal('true', { description: 'Present on a replayed answer.' }),
          }),
          ...problemResponses(...COMMON_PROBLEMS, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const draft = draftOf(request.body);
      const { task, replayed } =
        key === undefined
          ? { task: valueOf(await useCases.createTask(request.actor, draft)), replayed: false }
          : valueOf(await useCases.createTaskOnce(request.actor, key, draft));
      if (replayed) reply.header('idempotent-replayed', 'true');
      reply.header('location', `${collectionPath(request)}/${task.id}`);
      return sendTask(reply, task, 201);
    },
  );

  app.delete(
    '/',
    {
      schema: {
        tags,
        operationId: operationId('clearCompletedTasks'),
        summary: "Delete the caller's completed tasks",
        description: 'Only with `?status=completed`; any other or missing status is 422.',
        security: AUTHENTICATED,
        ...collectionParams,
        querystring: ClearTasksQuery,
        response: { 200: ClearedTasks, ...problemResponses(...COMMON_PROBLEMS, 422) },
      },
    },
    async (request) => ({ deleted: valueOf(await useCases.clearCompleted(request.actor)) }),
  );

  app.get(
    '/stats',
    {
      schema: {
        tags,
        operationId: operationId('getTaskStats'),
        summary: "Count the caller's tasks",
        security: AUTHENTICATED,
        ...collectionParams,
        querystring: NoQuery,
        response: { 200: TaskStatsSchema, ...problemResponses(...COMMON_PROBLEMS, 422) },
      },
    },
    async (request) => valueOf(await useCases.getStats(request.actor)),
  );

  app.patch(
    '/complete',
    {
      schema: {
        tags,
        operationId: operationId('setCompletionOfTasks'),
        summary: 'Complete or reopen many tasks at once',
        description:
          'Answers with the tasks whose state changed, by id. Tasks that are missing, not yours, or already in that ' +
          'state are left as they are and not listed.',
        security: AUTHENTICATED,
        ...collectionParams,
        body: BulkCompletionBody,
        response: { 200: Type.Array(TaskRef, { description: 'The tasks changed.' }), ...problemResponses(...COMMON_PROBLEMS, 413, 415, 422) },
      },
    },
    async (request) => {
      const { ids, completed } = request.body;
      const changed = valueOf(await useCases.setCompletionOfMany(request.actor, ids as TaskId[], completed));
      return changed.map(toTaskResource);
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        tags,
        operationId: operationId('getTask'),
        summary: 'Get one task',
        security: AUTHENTICATED,
        params: taskParams,
        headers: IfNoneMatchHeaders,
        response: {
          200: taskWithEtag('The task.'),
          304: Type.Unsafe<null>({
            type: 'null',
            description: 'Not Modified: the task still has the ETag given in `If-None-Match`; no body.',
            headers: ETAG_HEADER,
          }),
          ...problemResponses(...COMMON_PROBLEMS, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const task = valueOf(await useCases.getTask(request.actor, request.params.id as TaskId));
      if (noneMatchFails(request.headers['if-none-match'], task)) return reply.code(304).header('etag', etagOf(task)).send();
      return sendTask(reply, task);
    },
  );

  app.put(
    '/:id',
    {
      schema: {
        tags,
        operationId: operationId('replaceTask'),
        summary: 'Update the fields given (as PATCH)',
        description:
          'Exactly like PATCH: every field is optional, and fields left out keep their value (many frontends send ' +
          'partial PUTs; an older client never erases what a newer one set).',
        security: AUTHENTICATED,
        params: taskParams,
        headers: IfMatchHeaders,
        body: ReplaceTaskBody,
        response: { 200: taskWithEtag('The task as updated.'), ...problemResponses(...COMMON_PROBLEMS, 404, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const expected = expectedVersions(request.headers['if-match']);
      const task = await useCases.replaceTask(request.actor, request.params.id as TaskId, draftOf(request.body), expected);
      return sendTask(reply, valueOf(task));
    },
  );

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        operationId: operationId('updateTask'),
        summary: 'Change the fields given',
        security: AUTHENTICATED,
        params: taskParams,
        headers: IfMatchHeaders,
        body: UpdateTaskBody,
        response: { 200: taskWithEtag('The task as updated.'), ...problemResponses(...COMMON_PROBLEMS, 404, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const expected = expectedVersions(request.headers['if-match']);
      const task = await useCases.updateTask(request.actor, request.params.id as TaskId, draftOf(request.body), expected);
      return sendTask(reply, valueOf(task));
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        operationId: operationId('deleteTask'),
        summary: 'Delete a task',
        security: AUTHENTICATED,
        params: taskParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(...COMMON_PROBLEMS, 404, 412, 422) },
      },
    },
    async (request, reply) => {
      const expected = expectedVersions(request.headers['if-match']);
      valueOf(await useCases.deleteTask(request.actor, request.params.id as TaskId, expected));
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/:id/complete',
    {
      schema: {
        tags,
        operationId: operationId('setTaskCompletion'),
        summary: 'Flip or set completion',
        description: 'No body (an empty JSON body included) or `{}` flips `completed`; `{"completed": bool}` sets it.',
        security: AUTHENTICATED,
        params: taskParams,
        headers: IfMatchHeaders,
        body: CompletionBody,
        response: { 200: taskWithEtag('The task as updated.'), ...problemResponses(...COMMON_PROBLEMS, 404, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const expected = expectedVersions(request.headers['if-match']);
      const completed = request.body?.completed;
      return sendTask(reply, valueOf(await useCases.setCompletion(request.actor, request.params.id as TaskId, completed, expected)));
    },
  );
};
