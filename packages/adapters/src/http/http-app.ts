import { randomUUID } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySensible from '@fastify/sensible';
import { fastifySSE } from '@fastify/sse';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TaskUseCases } from '@todo/application';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { Type } from 'typebox';
import { createBearerAuthenticator, type BearerAuthenticatorOptions } from '../auth/bearer-authenticator.js';
import { MCP_PATH, mcpChallenge, mcpEndpoint, protectedResourceMetadataRoutes } from '../mcp/mcp-endpoint.js';
import type { MetricsRegistry } from '../prometheus/metrics-registry.js';
import { problem, problemResponses, ProblemSchema, sendProblem, type Problem } from '../wire/problem.js';
import { apiChallenge, authPlugin } from './auth.js';
import { ChangeSchema } from './change-schemas.js';
import { errorHandlerPlugin } from './error-handler.js';
import { EventStreams } from './event-streams.js';
import { liveRoutes } from './live-routes.js';
import { HttpRequestMetrics, metricsPlugin } from './metrics-routes.js';
import { oversizedBodyPlugin } from './oversized-body.js';
import { ALWAYS_ANSWER, overloadPlugin, type OverloadOptions } from './overload.js';
import { securityHeaders } from './security-headers.js';
import { taskRoutes } from './task-routes.js';
import { TaskSchema } from '../wire/task-schemas.js';
import { acceptJsonBodiesOnly, useStrictValidation } from './validation.js';

export interface RateLimitOptions {
  /** Requests each user may make per window. */
  readonly max: number;
  readonly windowMs: number;
  /** Counters shared by every instance; `null`: this instance counts alone. */
  readonly redis: { readonly client: Redis; readonly keyPrefix: string } | null;
}

export interface MetricsOptions {
  readonly registry: MetricsRegistry;
  /** The bearer token /metrics requires. */
  readonly token: string;
}

export interface HttpAppOptions {
  readonly useCases: TaskUseCases;
  readonly auth: BearerAuthenticatorOptions;
  /** Where clients get tokens (Better Auth's URL), as the MCP endpoint's metadata announces it; may be empty. */
  readonly authorizationServers: readonly string[];
  /** Browser origins allowed to call the API (exact match). */
  readonly corsOrigins: readonly string[];
  /** Resolves when the service can serve requests (the database answers); rejects otherwise. */
  readonly checkReadiness: () => Promise<void>;
  readonly logger: FastifyServerOptions['logger'];
  /** `null` turns rate limiting off. */
  readonly rateLimit: RateLimitOptions | null;
  readonly trustProxy: boolean;
  readonly bodyLimitBytes: number;
  /** `null`: no load shedding. */
  readonly overload: OverloadOptions | null;
  /** `null`: no /metrics route and no request metrics. */
  readonly metrics: MetricsOptions | null;
  /** Send Strict-Transport-Security (in production, where the service is reached over HTTPS). */
  readonly strictTransportSecurity: boolean;
  readonly version: string;
  readonly events: EventStreamOptions;
}

export interface EventStreamOptions {
  /** How often an idle event stream sends a keep-alive comment. */
  readonly keepAliveMs: number;
  /** Open event streams per user on this instance; one more is 429. */
  readonly maxStreamsPerUser: number;
}

/** The running HTTP application (a Fastify instance): listen, inject, close. */
export type HttpApp = FastifyInstance & {
  /** The event streams open now. */
  readonly openEventStreams: () => number;
};

const REQUEST_ID = /^[\w.:-]{1,128}$/;

const CORS_HEADERS = {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowedHeaders: [
    'Authorization',
    'Content-Type',
    'Accept',
    'If-Match',
    'If-None-Match',
    'Idempotency-Key',
    'X-Request-Id',
    'Mcp-Protocol-Version',
    // A browser's event stream read with fetch resumes with it (contract §9).
    'Last-Event-ID',
  ],
  // WWW-Authenticate: a browser-based MCP client reads `resource_metadata` from a 401 to find how to get a token.
  exposedHeaders: ['ETag', 'Location', 'Link', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'WWW-Authenticate'],
};

const MiB = 1024 * 1024;
/** How much of an oversized body is read and discarded so that the client can read its 413 (see oversized-body.ts). */
const drainBounds = (bodyLimitBytes: number) => ({ maxDrainBytes: Math.max(16 * MiB, 4 * bodyLimitBytes), maxDrainMs: 10_000 });

/** The client's fault among the errors Fastify meets before routing; null for anything else. */
function frameworkProblem(error: FastifyError): Problem | null {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return problem(400, 'bad-request', 'The URL is not valid: a percent-encoded part of its path is not UTF-8.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'uri-too-long', 'A part of the path is longer than 1024 characters.');
    default:
      return null;
  }
}

/** The whole HTTP face of the service. It knows the use cases, never the adapters behind them. */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    logger: options.logger,
    trustProxy: options.trustProxy,
    bodyLimit: options.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    requestIdHeader: false,
    // Fastify answers these before routing, in its own format: give them the problem+json every error has.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      const answer = frameworkProblem(error);
      if (answer === null) request.log.error({ err: error }, 'unexpected framework error');
      void sendProblem(reply, answer ?? problem(500, 'internal-error', `Something went wrong. Quote request id ${request.id} when reporting it.`));
    },
    // A well-formed incoming X-Request-Id is kept, so one id follows a request through every service.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  useStrictValidation(app);
  acceptJsonBodiesOnly(app);
  app.addSchema(ProblemSchema);
  app.addSchema(TaskSchema);
  app.addSchema(ChangeSchema);
  let requestMetrics: HttpRequestMetrics | null = null;
  if (options.metrics !== null) {
    requestMetrics = new HttpRequestMetrics(options.metrics.registry);
    // First, so that its onRoute hook sees every route.
    await app.register(metricsPlugin, { ...options.metrics, requests: requestMetrics });
  }
  await app.register(fastifySensible);
  // Keep-alive comments are the live routes' own (`: keep-alive`, contract §9).
  await app.register(fastifySSE, { heartbeatInterval: 0 });
  const streams = new EventStreams(options.events.maxStreamsPerUser);
  // Streams never end by themselves: end them first, so that closing waits only for ordinary requests.
  app.addHook('preClose', async () => streams.abortAll());
  await app.register(errorHandlerPlugin, requestMetrics === null ? {} : { notFoundPreHandler: requestMetrics.observeUnmatched });
  await app.register(oversizedBodyPlugin, drainBounds(options.bodyLimitBytes));
  const { everyResponse: securityHeadersOfEveryResponse, docsContentSecurityPolicy } = securityHeaders({
    production: options.strictTransportSecurity,
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id).headers(securityHeadersOfEveryResponse);
    done();
  });
  const allowedOrigins = new Set(options.corsOrigins);
  await app.register(fastifyCors, {
    // `false` for any other origin (or none) makes the plugin add no CORS header at all; `true` echoes the
    // listed origin, never `*`, so `Access-Control-Allow-Credentials` only ever goes with one listed origin.
    // Not the array form: given an array, @fastify/cors (11.4) sends Allow-Credentials and Expose-Headers to every
    // origin and answers every preflight. This callback answers synchronously, so it costs no promise either.
    origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
    // Frontends may fetch with `credentials: 'include'` (Better Auth's client does). Safe: this API reads no
    // cookie; its only credential is the Authorization header, which a foreign page cannot make a browser send.
    credentials: true,
    ...CORS_HEADERS,
    maxAge: 600,
    strictPreflight: false,
  });
  if (options.overload !== null) await app.register(overloadPlugin, options.overload);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Todo API',
        version: options.version,
        description: 'A multi-user Todo API. Every /api route needs a bearer JWT; the user is its subject.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'tasks', description: "The caller's tasks" },
        { name: 'live', description: "The caller's changes: a feed to sync from, and a live event stream" },
        { name: 'operations', description: 'Health and readiness' },
        {
          name: 'mcp',
          description:
            'AI agents: the MCP endpoint (`POST /mcp`, JSON-RPC over Streamable HTTP, bearer token as for /api; its tools ' +
            'are described in specs/api/mcp.md) and its discovery document.',
        },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${index}`),
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: docsContentSecurityPolicy,
    // No badge from validator.swagger.io: the page loads nothing from elsewhere.
    uiConfig: { validatorUrl: null },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const Status = Type.Object({ status: Type.String() });
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Status } }, config: ALWAYS_ANSWER },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The service can reach its database and is not overloaded',
        response: { 200: Status, ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      try {
        await options.checkReadiness();
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'not ready');
        return sendProblem(reply, problem(503, 'not-ready', 'The service cannot reach its database.'));
      }
    },
  );

  await app.register(protectedResourceMetadataRoutes, { authorizationServers: options.authorizationServers });

  // One authenticator decides who the caller is, for the REST API and the MCP endpoint alike; each scope answers
  // a refusal with its own challenge.
  const authenticator = createBearerAuthenticator(options.auth);
  await app.register(async (users) => {
    if (options.rateLimit !== null) {
      const { redis } = options.rateLimit;
      // One budget per user, whichever of /api and /mcp the requests go to.
      await users.register(fastifyRateLimit, {
        max: options.rateLimit.max,
        timeWindow: options.rateLimit.windowMs,
        // After authentication, so that the limit is per user rather than per shared IP address.
        hook: 'preHandler',
        keyGenerator: (request) => request.actor || request.ip,
        ...(redis === null
          ? {}
          : {
              redis: redis.client,
              nameSpace: `${redis.keyPrefix}rate-limit:`,
              // Redis down or slow: serve the request uncounted rather than fail it (the outage is logged).
              skipOnError: true,
            }),
      });
    }
    // A callback hook, not an async one: it runs on every response, and a promise per response is measurable.
    users.addHook('onSend', (_request, reply, payload, done) => {
      // Per-user data: never stored by shared caches; browsers revalidate with the ETag.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-cache');
      done(null, payload);
    });
    await users.register(
      async (api) => {
        await api.register(authPlugin, { authenticator, challenge: apiChallenge });
        await api.register(taskRoutes, { prefix: '/tasks', useCases: options.useCases, compat: false });
        await api.register(taskRoutes, { prefix: '/:user_id/tasks', useCases: options.useCases, compat: true });
        const live = { useCases: options.useCases, streams, keepAliveMs: options.events.keepAliveMs };
        await api.register(liveRoutes, { prefix: '/tasks', compat: false, ...live });
        await api.register(liveRoutes, { prefix: '/:user_id/tasks', compat: true, ...live });
      },
      { prefix: '/api' },
    );
    await users.register(
      async (mcp) => {
        await mcp.register(authPlugin, { authenticator, challenge: mcpChallenge });
        await mcp.register(mcpEndpoint, { useCases: options.useCases, version: options.version });
      },
      { prefix: MCP_PATH },
    );
  });

  return Object.assign(app, { openEventStreams: () => streams.count });
}

/** The OpenAPI document the app serves at /openapi.json, as YAML (for specs/contracts/openapi.yaml). */
export function openApiYaml(app: HttpApp): string {
  return app.swagger({ yaml: true });
}
