import type { UserId } from '@todo/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import type { Authentication, BearerAuthenticator } from '../auth/bearer-authenticator.js';
import { problem, sendProblem } from '../wire/problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user, set by the auth plugin before any handler of its scope runs. */
    actor: UserId;
    /** When the caller's token expires (milliseconds since the epoch): an event stream ends then. */
    tokenExpiresAt: number;
  }
}

/** The `WWW-Authenticate` value of a 401: `tokenGiven` is false when the request carried no credentials at all. */
export type AuthChallenge = (request: FastifyRequest, tokenGiven: boolean) => string;

export interface AuthPluginOptions {
  /** The app's one authenticator: every scope that needs a caller shares it. */
  readonly authenticator: BearerAuthenticator;
  readonly challenge: AuthChallenge;
}

/** The challenge of the REST API (RFC 6750). */
export const apiChallenge: AuthChallenge = (_request, tokenGiven) =>
  tokenGiven ? 'Bearer realm="todo-api", error="invalid_token"' : 'Bearer realm="todo-api"';

/**
 * Authenticates every request of the scope it is registered in: the token's user becomes `request.actor`;
 * any other request is answered 401 before it reaches a handler.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, { authenticator, challenge }: AuthPluginOptions) => {
    app.decorateRequest('actor', '' as UserId);
    app.decorateRequest('tokenExpiresAt', 0);

    const admit = (request: FastifyRequest, reply: FastifyReply, result: Authentication, done: HookHandlerDoneFunction): void => {
      if (!result.ok) {
        // The reason is for the log only: telling a caller why its token failed helps an attacker more than a user.
        request.log.info({ reason: result.reason }, 'request not authenticated');
        reply.header('www-authenticate', challenge(request, result.tokenGiven));
        // Answered here: `done` is not called, so no handler runs.
        void sendProblem(reply, problem(401, 'unauthenticated', 'A valid bearer token is required.'));
        return;
      }
      request.log.debug({ tokenKind: result.kind }, 'authenticated');
      request.actor = result.userId;
      request.tokenExpiresAt = result.expiresAt;
      done();
    };

    // A callback hook: a token verified before is answered synchronously, without a promise per request.
    app.addHook('onRequest', (request, reply, done) => {
      const result = authenticator.authenticate({
        authorization: request.headers.authorization,
        rawHeaders: request.raw.rawHeaders,
      });
      if (result instanceof Promise) {
        result.then((settled) => admit(request, reply, settled, done)).catch(done);
      } else {
        admit(request, reply, result, done);
      }
    });
  },
  { name: 'auth' },
);
