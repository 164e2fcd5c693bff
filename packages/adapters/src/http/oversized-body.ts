import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface OversizedBodyOptions {
  /** Past this many discarded bytes the client is cut off: draining must not become free bandwidth for an abuser. */
  readonly maxDrainBytes: number;
  /** Past this time the client is cut off, however little it sent. */
  readonly maxDrainMs: number;
}

/**
 * Reads and discards what is left of a request body, up to the bounds. Resolves once the body has ended, or the
 * request was aborted, or a bound was reached (then `false`: the connection will be closed under the client).
 */
function drainRequestBody(raw: IncomingMessage, { maxDrainBytes, maxDrainMs }: OversizedBodyOptions): Promise<boolean> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    let drained = 0;
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onEnd);
      raw.off('error', onEnd);
      resolve(complete);
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > maxDrainBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const timer = setTimeout(() => finish(false), maxDrainMs);
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('close', onEnd);
    raw.on('error', onEnd);
    raw.resume();
  });
}

/**
 * A body over the limit is answered 413, and Fastify closes the connection after that answer. Sent at once, the
 * answer races the client, which is still writing: the socket closes under it, its writes fail (EPIPE, ECONNRESET)
 * and it never reads the 413 (`fetch` rejects, a browser shows a network error). So the rest of the body is read
 * and discarded first, within bounds, and only then is the 413 sent. This holds for every route of the app (it is
 * an `onError` hook, which runs before any error handler), whether the client announced a Content-Length or sent
 * the body chunked.
 */
export const oversizedBodyPlugin = fp(
  async (app: FastifyInstance, options: OversizedBodyOptions) => {
    app.addHook('onError', async (request, _reply, error: FastifyError) => {
      if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
      const announced = Number(request.headers['content-length']);
      // A body announced larger than the drain bound would be cut off anyway: do not read any of it.
      if (announced > options.maxDrainBytes) return;
      const complete = await drainRequestBody(request.raw, options);
      if (!complete) request.log.info({ announced }, 'oversized body: stopped reading, the connection will be closed');
    });
  },
  { name: 'oversized-body' },
);
