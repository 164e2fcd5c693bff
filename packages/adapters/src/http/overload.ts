import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Read by @fastify/under-pressure: a handler that returns nothing lets the request through under pressure. */
    pressureHandler?: () => void;
  }
}

export interface OverloadOptions {
  /** Mean event loop delay over one sample; 0 turns this check off. */
  readonly maxEventLoopDelayMs: number;
  /** 0 turns this check off. */
  readonly maxHeapUsedBytes: number;
  /** 0 turns this check off. */
  readonly maxRssBytes: number;
  readonly sampleIntervalMs: number;
}

/** Long enough for a burst to pass, short enough that a client does not give up. */
const RETRY_AFTER_SECONDS = 10;

/**
 * Route config of a route that answers however loaded the process is: the liveness probe (an orchestrator would
 * restart a process that is only busy) and /metrics (overload is when it is needed most).
 */
export const ALWAYS_ANSWER = Object.freeze({ pressureHandler: () => undefined });

/**
 * Sheds load: while the event loop lags (or memory passes its bound), every request is answered at once with 503
 * and Retry-After instead of joining a queue that makes every answer late. `FST_UNDER_PRESSURE` becomes a problem
 * in the error handler. Register it after the hooks that every answer needs (request id, CORS), so a shed request
 * still carries them.
 */
export const overloadPlugin = fp(
  async (app: FastifyInstance, options: OverloadOptions) => {
    const { maxEventLoopDelayMs, maxHeapUsedBytes, maxRssBytes } = options;
    if (maxEventLoopDelayMs === 0 && maxHeapUsedBytes === 0 && maxRssBytes === 0) return;
    await app.register(underPressure, {
      maxEventLoopDelay: maxEventLoopDelayMs,
      maxHeapUsedBytes,
      maxRssBytes,
      sampleInterval: options.sampleIntervalMs,
      retryAfter: RETRY_AFTER_SECONDS,
    });
  },
  { name: 'overload' },
);
