import fastifyJwt from '@fastify/jwt';
import { userId, type UserId } from '@todo/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problem, sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user, set by the auth plugin before any /api handler runs. */
    actor: UserId;
  }
}

export interface AuthOptions {
  /** The HMAC secret shared with Better Auth (`BETTER_AUTH_SECRET`). */
  readonly secret: string;
  /** How far `exp` and `nbf` may be off, for clocks that disagree a little. */
  readonly clockSkewSeconds: number;
}

const MAX_TOKEN_LENGTH = 8 * 1024;
const MAX_USER_ID_LENGTH = 255;
const BEARER = /^Bearer +([A-Za-z0-9_.+/=-]+) *$/i;

type Rejection = { readonly reason: string; readonly tokenGiven: boolean };

function rejectRequest(request: FastifyRequest, reply: FastifyReply, { reason, tokenGiven }: Rejection): FastifyReply {
  // The reason is for the log only: telling a caller why its token failed helps an attacker more than a user.
  request.log.info({ reason }, 'request not authenticated');
  const challenge = tokenGiven ? 'Bearer realm="todo-api", error="invalid_token"' : 'Bearer realm="todo-api"';
  reply.header('www-authenticate', challenge);
  return sendProblem(reply, problem(401, 'unauthenticated', 'A valid bearer token is required.'));
}

/**
 * Authenticates every request of the scope it is registered in: `Authorization: Bearer <JWT>`, HS256/384/512
 * signed with the shared secret, `exp` required. The token's `sub` becomes `request.actor`.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    await app.register(fastifyJwt, {
      secret: options.secret,
      verify: {
        algorithms: ['HS256', 'HS384', 'HS512'],
        requiredClaims: ['exp'],
        clockTolerance: options.clockSkewSeconds * 1000,
        // Verified tokens are cached (until they expire): a frontend sends the same token many times.
        cache: true,
      },
    });
    app.decorateRequest('actor', '' as UserId);

    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      if (header === undefined || header.length === 0) {
        return rejectRequest(request, reply, { reason: 'no authorization header', tokenGiven: false });
      }
      const token = BEARER.exec(header)?.[1];
      if (token === undefined) return rejectRequest(request, reply, { reason: 'not a bearer token', tokenGiven: true });
      if (token.length > MAX_TOKEN_LENGTH) return rejectRequest(request, reply, { reason: 'token too long', tokenGiven: true });
      let claims: { sub?: unknown };
      try {
        claims = app.jwt.verify<{ sub?: unknown }>(token);
      } catch (error) {
        return rejectRequest(request, reply, { reason: (error as Error).message, tokenGiven: true });
      }
      const subject = claims.sub;
      if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_USER_ID_LENGTH) {
        return rejectRequest(request, reply, { reason: 'sub is missing, empty or too long', tokenGiven: true });
      }
      request.actor = userId(subject);
    });
  },
  { name: 'auth' },
);
