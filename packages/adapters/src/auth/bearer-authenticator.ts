import { userId, type UserId } from '@todo/domain';
import { createVerifier } from 'fast-jwt';
import type { JWTPayload } from 'jose';
import { createTokenVerifier, HMAC_ALGORITHMS, type PublicKeySource, type TokenKind } from './token-verifier.js';

/** The JWKS as the authenticator needs it: keys, and whether a verification made earlier still holds (see `JwksKeySource`). */
export interface CachingKeySource extends PublicKeySource {
  /** Changes whenever `keyFor` may answer differently; `null`: verifications against this source are not remembered. */
  keySetGeneration(): number | null;
}

export interface BearerAuthenticatorOptions {
  /** `BETTER_AUTH_SECRET`; `null` refuses every HMAC token. */
  readonly hmacSecret: string | null;
  /** Better Auth's JWKS (see `JwksKeySource`); `null` refuses every asymmetric token. */
  readonly jwks: CachingKeySource | null;
  /** Expected `iss` and `aud` (see `TokenVerifierOptions`). */
  readonly issuer: string | null;
  readonly audience: string | null;
  /** How far `exp` and `nbf` may be off. */
  readonly clockSkewSeconds: number;
  /** How many verified tokens are remembered (default 10,000). */
  readonly maxCachedTokens?: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
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
  /** Never throws and never rejects. Answers at once (no promise) for a token it has verified before. */
  authenticate(credentials: RequestCredentials): Authentication | Promise<Authentication>;
}

/** A token verified before: the answer, and until when it holds. */
interface Remembered {
  readonly authentication: Authentication & { readonly ok: true };
  /** Before this instant (milliseconds since the epoch) the verifier would accept the token again. */
  readonly validUntil: number;
  /** For a JWKS token, the key set it was verified with (`keySetGeneration`); `null` for an HMAC token. */
  readonly keySet: number | null;
}

const DEFAULT_MAX_CACHED_TOKENS = 10_000;

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
 * HMAC tokens go through fast-jwt, with the key prepared once.
 *
 * A frontend sends the same token with every request, so successful verifications are remembered, keyed by the
 * whole token: a token seen before is answered without decoding it, until the moment the verifier itself would
 * refuse it (`exp`, a cookie cache's session expiry, each plus the skew) and, for a JWKS token, only while the
 * key set it was verified with is still the one in use. Refusals are never remembered: a token not yet valid
 * (`nbf`) or signed with an unknown key is verified again each time. The header checks run on every request.
 */
export function createBearerAuthenticator(options: BearerAuthenticatorOptions): BearerAuthenticator {
  const now = options.now ?? Date.now;
  const maxCachedTokens = options.maxCachedTokens ?? DEFAULT_MAX_CACHED_TOKENS;
  const { jwks } = options;
  const verifyHmac =
    options.hmacSecret === null
      ? null
      : createVerifier({
          key: options.hmacSecret,
          algorithms: [...HMAC_ALGORITHMS],
          requiredClaims: ['exp'],
          clockTolerance: options.clockSkewSeconds * 1000,
          // The authenticator remembers verified tokens itself (below), before any decoding.
          cache: false,
        });
  const verifier = createTokenVerifier({
    hmac: verifyHmac === null ? null : async (token) => verifyHmac(token) as JWTPayload,
    jwks,
    issuer: options.issuer,
    audience: options.audience,
    clockSkewSeconds: options.clockSkewSeconds,
    now,
  });
  // Insertion order is age: the oldest entry is evicted first.
  const remembered = new Map<string, Remembered>();

  async function verify(token: string): Promise<Authentication> {
    // Read before verifying: a key set replaced while the verification runs must not vouch for it.
    const keySet = jwks === null ? null : jwks.keySetGeneration();
    const result = await verifier.verify(token).catch((error: unknown) => ({
      ok: false as const,
      reason: `verifier failed: ${(error as Error).message ?? String(error)}`,
    }));
    if (!result.ok) return { ok: false, reason: result.reason, tokenGiven: true };
    const authentication = { ok: true, userId: userId(result.userId), kind: result.kind, expiresAt: result.expiresAt } as const;
    const viaJwks = result.kind === 'jwks' || result.kind === 'jwks-cookie-cache';
    if (maxCachedTokens > 0 && !(viaJwks && keySet === null)) {
      if (remembered.size >= maxCachedTokens) remembered.delete(remembered.keys().next().value as string);
      remembered.set(token, { authentication, validUntil: result.validUntil, keySet: viaJwks ? keySet : null });
    }
    return authentication;
  }

  return {
    authenticate({ authorization, rawHeaders }) {
      if (authorization === undefined || authorization.length === 0) {
        return { ok: false, reason: 'no authorization header', tokenGiven: false };
      }
      if (authorizationHeaderCount(rawHeaders) > 1) return { ok: false, reason: 'several authorization headers', tokenGiven: true };
      const token = bearerTokenOf(authorization);
      if (token === undefined) return { ok: false, reason: 'not a bearer token', tokenGiven: true };
      const known = remembered.get(token);
      if (known !== undefined) {
        if (now() >= known.validUntil) {
          remembered.delete(token);
          return { ok: false, reason: 'the token has expired', tokenGiven: true };
        }
        if (known.keySet === null || known.keySet === jwks?.keySetGeneration()) return known.authentication;
        remembered.delete(token);
      }
      return verify(token);
    },
  };
}
