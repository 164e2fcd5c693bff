import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Histogram } from 'prom-client';
import type { MetricsRegistry } from '../prometheus/metrics-registry.js';
import { ALWAYS_ANSWER } from './overload.js';
import { problem, sendProblem } from '../wire/problem.js';

/** The one label of every request that matched no route: raw URLs would make the label set unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Equal-length digests, so the comparison takes as long whatever the guess, and its length leaks nothing either. */
function sameSecret(given: string | undefined, expected: Buffer): boolean {
  return timingSafeEqual(digest(given ?? ''), expected);
}

/** The request latency histogram; its `_count` is the request count. */
export class HttpRequestMetrics {
  readonly #durations: Histogram<'method' | 'route' | 'status_code'>;

  constructor(registry: MetricsRegistry) {
    this.#durations = registry.latencyHistogram('http_request_duration_seconds', 'Time to answer HTTP requests, by route template', [
      'method',
      'route',
      'status_code',
    ]);
  }

  observe(route: string, request: FastifyRequest, reply: FastifyReply): void {
    this.#durations.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000);
  }

  /** For the not-found handler, whose requests match no route: observes its answer once it has been sent. */
  readonly observeUnmatched: preHandlerHookHandler = (request, reply, done) => {
    reply.raw.once('finish', () => this.observe(UNMATCHED_ROUTE, request, reply));
    done();
  };
}

export interface MetricsOptions {
  readonly registry: MetricsRegistry;
  readonly requests: HttpRequestMetrics;
  /** What a scraper sends as `Authorization: Bearer <token>`. */
  readonly token: string;
}

/**
 * `GET /metrics` in the Prometheus text format, behind a bearer token, and the latency of every request by method,
 * route template and status. The route label is fixed when a route is added, so a request pays for one
 * observation and no lookup. Register it before any route.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, { registry, requests, token }: MetricsOptions) => {
    app.addHook('onRoute', (route) => {
      const record: onResponseHookHandler = (request, reply, done) => {
        requests.observe(route.url, request, reply);
        done();
      };
      route.onResponse = route.onResponse === undefined ? [record] : [route.onResponse, record].flat();
    });

    const expected = digest(`Bearer ${token}`);
    app.get('/metrics', { schema: { hide: true }, config: ALWAYS_ANSWER }, async (request, reply) => {
      if (!sameSecret(request.headers.authorization, expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        return sendProblem(reply, problem(401, 'unauthenticated', 'A valid bearer token is required.'));
      }
      return reply.header('cache-control', 'no-store').type(registry.contentType).send(await registry.text());
    });
  },
  { name: 'metrics' },
);
