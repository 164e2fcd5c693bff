import { userId, type UserId } from '@todo/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import { createTokenVerifier, HMAC_ALGORITHMS, type HmacVerifier, type PublicKeySource } from './auth/token-verifier.js';
import { problem, sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user, set by the auth plugin before any /api handler runs. */
    actor: UserId;
    /** When the caller's token expires (milliseconds since the epoch): an event stream ends then. */
    tokenExpiresAt: number;
  }
}

export interface AuthOptions {
  /** `BETTER_AUTH_SECRET`; `null` refuses every HMAC token. */
  readonly hmacSecret: string | null;
  /** Better Auth's JWKS (see `JwksKeySource`); `null` refuses every asymmetric token. */
  readonly jwks: PublicKeySource | null;
  /** Expected `iss` and `aud` (see `TokenVerifierOptions`). */
  readonly issuer: string | null;
  readonly audience: string | null;
  /** How far `exp` and `nbf` may be off. */
  readonly clockSkewSeconds: number;
}

/** RFC 6750 `b64token`; the scheme name is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer +([A-Za-z0-9_.+/=~-]+) *$/i;

type Rejection = { readonly reason: string; readonly tokenGiven: boolean };

function rejectRequest(request: FastifyRequest, reply: FastifyReply, { reason, tokenGiven }: Rejection): FastifyReply {
  // The reason is for the log only: telling a caller why its token failed helps an attacker more than a user.
  request.log.info({ reason }, 'request not authenticated');
  const challenge = tokenGiven ? 'Bearer realm="todo-api", error="invalid_token"' : 'Bearer realm="todo-api"';
  reply.header('www-authenticate', challenge);
  return sendProblem(reply, problem(401, 'unauthenticated', 'A valid bearer token is required.'));
}

/** Node keeps the first of several Authorization headers; a proxy may have used another one. Refuse the ambiguity. */
function authorizationHeaderCount(request: FastifyRequest): number {
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]?.toLowerCase() === 'authorization') count += 1;
  }
  return count;
}

/**
 * Authenticates every request of the scope it is registered in: `Authorization: Bearer <JWT>` (never a query
 * parameter or cookie), checked by the token verifier. The token's user becomes `request.actor`.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    let hmac: HmacVerifier | null = null;
    if (options.hmacSecret !== null) {
      // HMAC tokens go through @fastify/jwt (fast-jwt): the key is prepared once and verified tokens are cached
      // until they expire, since a frontend sends the same token with every request.
      await app.register(fastifyJwt, {
        secret: options.hmacSecret,
        verify: {
          algorithms: [...HMAC_ALGORITHMS],
          requiredClaims: ['exp'],
          clockTolerance: options.clockSkewSeconds * 1000,
          cache: true,
        },
      });
      hmac = async (token) => app.jwt.verify(token);
    }
    const verifier = createTokenVerifier({
      hmac,
      jwks: options.jwks,
      issuer: options.issuer,
      audience: options.audience,
      clockSkewSeconds: options.clockSkewSeconds,
    });
    app.decorateRequest('actor', '' as UserId);
    app.decorateRequest('tokenExpiresAt', 0);

    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      if (header === undefined || header.length === 0) {
        return rejectRequest(request, reply, { reason: 'no authorization header', tokenGiven: false });
      }
      if (authorizationHeaderCount(request) > 1) {
        return rejectRequest(request, reply, { reason: 'several authorization headers', tokenGiven: true });
      }
      const token = BEARER.exec(header)?.[1];
      if (token === undefined) return rejectRequest(request, reply, { reason: 'not a bearer token', tokenGiven: true });
      const result = await verifier.verify(token).catch((error: unknown) => ({
        ok: false as const,
        reason: `verifier failed: ${(error as Error).message ?? String(error)}`,
      }));
      if (!result.ok) return rejectRequest(request, reply, { reason: result.reason, tokenGiven: true });
      request.log.debug({ tokenKind: result.kind }, 'authenticated');
      request.actor = userId(result.userId);
      request.tokenExpiresAt = result.expiresAt;
    });
  },
  { name: 'auth' },
);
