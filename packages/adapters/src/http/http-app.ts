import { randomUUID } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySensible from '@fastify/sensible';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TaskUseCases } from '@todo/application';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { authPlugin, type AuthOptions } from './auth.js';
import { errorHandlerPlugin } from './error-handler.js';
import { problem, problemResponses, ProblemSchema, sendProblem, type Problem } from './problem.js';
import { taskRoutes } from './task-routes.js';
import { TaskSchema } from './task-schemas.js';
import { acceptJsonBodiesOnly, useStrictValidation } from './validation.js';

export interface RateLimitOptions {
  /** Requests each user may make per window. */
  readonly max: number;
  readonly windowMs: number;
}

export interface HttpAppOptions {
  readonly useCases: TaskUseCases;
  readonly auth: AuthOptions;
  /** Browser origins allowed to call the API (exact match). */
  readonly corsOrigins: readonly string[];
  /** Resolves when the service can serve requests (the database answers); rejects otherwise. */
  readonly checkReadiness: () => Promise<void>;
  readonly logger: FastifyServerOptions['logger'];
  /** `null` turns rate limiting off. */
  readonly rateLimit: RateLimitOptions | null;
  readonly trustProxy: boolean;
  readonly bodyLimitBytes: number;
  readonly version: string;
}

/** The running HTTP application (a Fastify instance): listen, inject, close. */
export type HttpApp = FastifyInstance;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

const CORS_HEADERS = {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
  exposedHeaders: ['ETag', 'Location', 'Link', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
};

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
  await app.register(fastifySensible);
  await app.register(errorHandlerPlugin);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const allowedOrigins = new Set(options.corsOrigins);
  await app.register(fastifyCors, {
    // `false` for any other origin (or none) makes the plugin add no CORS header at all; `true` echoes the
    // listed origin, never `*`, so `Access-Control-Allow-Credentials` only ever goes with one listed origin.
    origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
    // Frontends may fetch with `credentials: 'include'` (Better Auth's client does). Safe: this API reads no
    // cookie; its only credential is the Authorization header, which a foreign page cannot make a browser send.
    credentials: true,
    ...CORS_HEADERS,
    maxAge: 600,
    strictPreflight: false,
  });

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
        { name: 'operations', description: 'Health and readiness' },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${index}`),
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const Status = Type.Object({ status: Type.String() });
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The service can reach its database',
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

  await app.register(
    async (api) => {
      await api.register(authPlugin, options.auth);
      if (options.rateLimit !== null) {
        await api.register(fastifyRateLimit, {
          max: options.rateLimit.max,
          timeWindow: options.rateLimit.windowMs,
          // After authentication, so that the limit is per user rather than per shared IP address.
          hook: 'preHandler',
          keyGenerator: (request) => request.actor || request.ip,
        });
      }
      api.addHook('onSend', async (_request, reply) => {
        // Per-user data: never stored by shared caches; browsers revalidate with the ETag.
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-cache');
      });
      await api.register(taskRoutes, { prefix: '/tasks', useCases: options.useCases, compat: false });
      await api.register(taskRoutes, { prefix: '/:user_id/tasks', useCases: options.useCases, compat: true });
    },
    { prefix: '/api' },
  );

  return app;
}

/** The OpenAPI document the app serves at /openapi.json, as YAML (for specs/contracts/openapi.yaml). */
export function openApiYaml(app: HttpApp): string {
  return app.swagger({ yaml: true });
}
