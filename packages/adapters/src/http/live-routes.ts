import type {} from '@fastify/sse';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CHANGES_LIMIT, type ChangeFollower, type TaskUseCases } from '@todo/application';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ChangesPageSchema, ChangesQuery, EventsHeaders, EventsQuery, toChangeResource } from './change-schemas.js';
import { requirePathUserIsCaller } from './compat-mount.js';
import { valueOf } from './error-handler.js';
import type { EventStreams } from './event-streams.js';
import { problem, problemResponses, sendProblem } from '../wire/problem.js';
import { CompatParams } from '../wire/task-schemas.js';

export interface LiveRoutesOptions {
  readonly useCases: TaskUseCases;
  /** Mounted under `/api/{user_id}/tasks`: the path's user must be the token's, else 403. */
  readonly compat: boolean;
  readonly streams: EventStreams;
  /** How often an idle stream sends a `: keep-alive` comment (proxies close silent connections). */
  readonly keepAliveMs: number;
}

const AUTHENTICATED = [{ bearerAuth: [] }];
const COMMON_PROBLEMS = [401, 403, 429, 500, 503] as const;
const KEEP_ALIVE = ': keep-alive\n\n';

/**
 * The live routes of contract §9, mounted beside the task routes on both mounts: the change feed, read in
 * pages, and the same feed pushed as Server-Sent Events (`@fastify/sse`).
 */
export const liveRoutes: FastifyPluginAsyncTypebox<LiveRoutesOptions> = async (app, { useCases, compat, streams, keepAliveMs }) => {
  const tags = ['live'];
  const collectionParams = compat ? { params: CompatParams } : {};
  const operationId = (name: string) => (compat ? `${name}ForUser` : name);
  if (compat) requirePathUserIsCaller(app);

  app.get(
    '/changes',
    {
      schema: {
        tags,
        operationId: operationId('listTaskChanges'),
        summary: "The caller's changes since a cursor",
        description:
          'Without `since`: every current task as an upsert (a full sync) and a cursor from which only later writes ' +
          'follow. With it: the writes after it, in commit order, each task once with its latest state. Apply the ' +
          'changes in order and follow `cursor` while `has_more`: the result is exactly what `GET /tasks` returns. ' +
          'An expired, malformed or foreign cursor is 410: start over without `since`.',
        security: AUTHENTICATED,
        ...collectionParams,
        querystring: ChangesQuery,
        response: { 200: ChangesPageSchema, ...problemResponses(...COMMON_PROBLEMS, 410, 422) },
      },
    },
    async (request) => {
      const { since, limit = CHANGES_LIMIT.default } = request.query;
      const page = valueOf(await useCases.listChanges(request.actor, { since, limit }));
      return {
        changes: page.changes.map(({ change }) => toChangeResource(change)),
        cursor: page.cursor,
        has_more: page.hasMore,
      };
    },
  );

  app.get(
    '/events',
    {
      sse: { kind: 'manual', heartbeat: false },
      schema: {
        tags,
        operationId: operationId('streamTaskEvents'),
        summary: "The caller's changes, live (Server-Sent Events)",
        description:
          'Each event is `event: change`, `id: <cursor after it>`, `data: <a Change>`. With `Last-Event-ID` (or ' +
          '`since`), what was missed is replayed first, with no gap and no duplicate; without, the stream starts ' +
          `now. A \`: keep-alive\` comment comes at least every 25 s. The stream ends ` +
          'when the token expires: reconnect with a fresh token and `Last-Event-ID`. At most 10 streams per user ' +
          'per instance (the 11th is 429). Read it with `fetch` (the token goes in the Authorization header).',
        security: AUTHENTICATED,
        ...collectionParams,
        querystring: EventsQuery,
        headers: EventsHeaders,
        response: {
          200: {
            description: 'The event stream.',
            content: { 'text/event-stream': { schema: Type.String({ description: 'event: change / id: … / data: <Change JSON>' }) } },
          } as unknown as ReturnType<typeof Type.String>,
          ...problemResponses(...COMMON_PROBLEMS, 410, 422),
        },
      },
    },
    async (request, reply) => {
      const stream = streams.open(request.actor);
      if (stream === null) {
        reply.header('retry-after', '5');
        return sendProblem(reply, problem(429, 'too-many-streams', 'You have 10 event streams open already: close one first.'));
      }
      let follower: ChangeFollower;
      try {
        follower = valueOf(await useCases.followChanges(request.actor, request.headers['last-event-id'] ?? request.query.since));
      } catch (error) {
        stream.release();
        throw error;
      }
      await pushChanges(request, reply, follower, stream.signal, keepAliveMs).finally(() => {
        follower.close();
        stream.release();
      });
    },
  );
};

/** Node's timers hold at most 2^31 − 1 ms (about 24.8 days); a longer delay would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Calls `action` at `time` (milliseconds since the epoch), however far away. */
function atTime(time: number, action: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const remaining = time - Date.now();
    timer = remaining > LONGEST_TIMER_MS ? setTimeout(arm, LONGEST_TIMER_MS) : setTimeout(action, Math.max(0, remaining));
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

/** Streams the follower's changes until the client leaves, the token expires or the service shuts down. */
async function pushChanges(
  request: FastifyRequest,
  reply: FastifyReply,
  follower: ChangeFollower,
  shutdown: AbortSignal,
  keepAliveMs: number,
): Promise<void> {
  const ended = new AbortController();
  const end = () => ended.abort();
  shutdown.addEventListener('abort', end, { once: true });
  reply.sse.onClose(end);
  const expiry = atTime(request.tokenExpiresAt, end);
  const keepAlive = setInterval(() => {
    if (reply.sse.isConnected) reply.raw.write(KEEP_ALIVE);
  }, keepAliveMs);
  try {
    reply.sse.keepAlive();
    reply.sse.sendHeaders(200);
    // Sent at once, so that the client knows the stream is open before any change.
    reply.raw.write(KEEP_ALIVE);
    while (!ended.signal.aborted) {
      const next = await follower.next(ended.signal);
      // Fell behind the deletions the feed remembers: end; the client's resume gets 410 and starts over.
      if (!next.ok) break;
      for (const { change, cursor } of next.value) {
        if (!reply.sse.isConnected) break;
        await reply.sse.send({ event: 'change', id: cursor, data: toChangeResource(change) });
      }
    }
  } catch (error) {
    // The feed could not be read (the database is away): end the stream; the client resumes from its last id.
    request.log.warn({ err: error }, 'event stream ended by an error');
  } finally {
    expiry.cancel();
    clearInterval(keepAlive);
    shutdown.removeEventListener('abort', end);
    reply.sse.close();
  }
}
