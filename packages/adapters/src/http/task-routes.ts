import type { TaskUseCases } from '@todo/application';
import type { Result, Task, TaskError, TaskId } from '@todo/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainFailure } from './error-handler.js';
import { problemResponses } from './problem.js';
import {
  CompatParams,
  CompatTaskIdParams,
  CompletionBody,
  CreateTaskBody,
  ListTasksQuery,
  ReplaceTaskBody,
  TaskIdParams,
  UpdateTaskBody,
  toTaskResource,
} from './task-schemas.js';

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

/** Hands a success on, or throws the domain failure for the error handler to map. */
function valueOf<T>(result: Result<T, TaskError>): T {
  if (!result.ok) throw new DomainFailure(result.error);
  return result.value;
}

const etagOf = (task: Task): string => `"${task.version}"`;

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

  if (compat) {
    app.addHook('onRequest', async (request) => {
      const { user_id: pathUser } = request.params as { user_id?: string };
      if (pathUser !== request.actor) throw app.httpErrors.forbidden("The path names another user than the token's.");
    });
  }

  app.get(
    '/',
    {
      schema: {
        tags,
        operationId: operationId('listTasks'),
        summary: "List the caller's tasks",
        description: 'A plain array, in pages; `Link: <…>; rel="next"` is present when more tasks follow.',
        security: AUTHENTICATED,
        ...collectionParams,
        querystring: ListTasksQuery,
        response: { 200: TaskList, ...problemResponses(...COMMON_PROBLEMS, 422) },
      },
    },
    async (request, reply) => {
      const listing = valueOf(await useCases.listTasks(request.actor, request.query));
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
        security: AUTHENTICATED,
        ...collectionParams,
        body: CreateTaskBody,
        response: { 201: TaskRef, ...problemResponses(...COMMON_PROBLEMS, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const task = valueOf(await useCases.createTask(request.actor, request.body));
      reply.header('location', `${collectionPath(request)}/${task.id}`);
      return sendTask(reply, task, 201);
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
        response: { 200: TaskRef, ...problemResponses(...COMMON_PROBLEMS, 404, 422) },
      },
    },
    async (request, reply) => sendTask(reply, valueOf(await useCases.getTask(request.actor, request.params.id as TaskId))),
  );

  app.put(
    '/:id',
    {
      schema: {
        tags,
        operationId: operationId('replaceTask'),
        summary: 'Update a task (title required)',
        description: 'Fields left out keep their value: an older client never erases what a newer one set.',
        security: AUTHENTICATED,
        params: taskParams,
        body: ReplaceTaskBody,
        response: { 200: TaskRef, ...problemResponses(...COMMON_PROBLEMS, 404, 413, 415, 422) },
      },
    },
    async (request, reply) =>
      sendTask(reply, valueOf(await useCases.replaceTask(request.actor, request.params.id as TaskId, request.body))),
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
        body: UpdateTaskBody,
        response: { 200: TaskRef, ...problemResponses(...COMMON_PROBLEMS, 404, 413, 415, 422) },
      },
    },
    async (request, reply) =>
      sendTask(reply, valueOf(await useCases.updateTask(request.actor, request.params.id as TaskId, request.body))),
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
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(...COMMON_PROBLEMS, 404, 422) },
      },
    },
    async (request, reply) => {
      valueOf(await useCases.deleteTask(request.actor, request.params.id as TaskId));
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
        description: 'No body (an empty JSON body included) flips `completed`; `{"completed": bool}` sets it.',
        security: AUTHENTICATED,
        params: taskParams,
        body: CompletionBody,
        response: { 200: TaskRef, ...problemResponses(...COMMON_PROBLEMS, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const completed = request.body?.completed;
      return sendTask(reply, valueOf(await useCases.setCompletion(request.actor, request.params.id as TaskId, completed)));
    },
  );
};
