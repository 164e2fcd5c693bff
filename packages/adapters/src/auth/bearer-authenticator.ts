import { userId, type UserId } from '@todo/domain';
import { createVerifier } from 'fast-jwt';
import type { JWTPayload } from 'jose';
import { createTokenVerifier, HMAC_ALGORITHMS, type PublicKeySource, type TokenKind } from './token-verifier.js';

export interface BearerAuthenticatorOptions {
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

export type Authentication =
  | {
      readonly ok: true;
      readonly userId: UserId;
      readonly kind: TokenKind;
      /** When the token expires (milliseconds since the epoch). */
      readonly expiresAt: number;
    }
  /** `reason` is for the log only; `tokenGiven` tells "no credentials" from "bad credentials" (RFC 6750 §3.1). */
  | { readonly ok: false; readonly reason: string; readonly tokenGiven: boolean };

/** The credentials of one request, as the HTTP server received them. */
export interface RequestCredentials {
  /** The `Authorization` header (the first one, as Node keeps it). */
  readonly authorization: string | undefined;
  /** Every header name and value as received, alternating (Node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
}

/** Decides who the caller of a request is. One instance serves every authenticated route of the app. */
export interface BearerAuthenticator {
  /** Never throws and never rejects. */
  authenticate(credentials: RequestCredentials): Promise<Authentication>;
}

/** RFC 6750 `b64token`; the scheme name is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer +([A-Za-z0-9_.+/=~-]+) *$/i;

/** The token of an `Authorization: Bearer <token>` header, or `undefined` for any other value. */
export const bearerTokenOf = (authorization: string | undefined): string | undefined =>
  authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];

/** Node keeps the first of several Authorization headers; a proxy may have used another one. Refuse the ambiguity. */
function authorizationHeaderCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'authorization') count += 1;
  }
  return count;
}

/**
 * `Authorization: Bearer <JWT>` only (never a query parameter or cookie), checked by the one token verifier.
 * HMAC tokens go through fast-jwt: the key is prepared once and verified tokens are cached until they expire,
 * since a frontend sends the same token with every request.
 */
export function createBearerAuthenticator(options: BearerAuthenticatorOptions): BearerAuthenticator {
  const verifyHmac =
    options.hmacSecret === null
      ? null
      : createVerifier({
          key: options.hmacSecret,
          algorithms: [...HMAC_ALGORITHMS],
          requiredClaims: ['exp'],
          clockTolerance: options.clockSkewSeconds * 1000,
          cache: true,
        });
  const verifier = createTokenVerifier({
    hmac: verifyHmac === null ? null : async (token) => verifyHmac(token) as JWTPayload,
    jwks: options.jwks,
    issuer: options.issuer,
    audience: options.audience,
    clockSkewSeconds: options.clockSkewSeconds,
  });

  return {
    async authenticate({ authorization, rawHeaders }) {
      if (authorization === undefined || authorization.length === 0) {
        return { ok: false, reason: 'no authorization header', tokenGiven: false };
      }
      if (authorizationHeaderCount(rawHeaders) > 1) return { ok: false, reason: 'several authorization headers', tokenGiven: true };
      const token = bearerTokenOf(authorization);
      if (token === undefined) return { ok: false, reason: 'not a bearer token', tokenGiven: true };
      const result = await verifier.verify(token).catch((error: unknown) => ({
        ok: false as const,
        reason: `verifier failed: ${(error as Error).message ?? String(error)}`,
      }));
      if (!result.ok) return { ok: false, reason: result.reason, tokenGiven: true };
      return { ok: true, userId: userId(result.userId), kind: result.kind, expiresAt: result.expiresAt };
    },
  };
}
