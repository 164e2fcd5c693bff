import { parseUserId, USER_ID_MAX_LENGTH } from '@todo/domain';
import {
  decodeProtectedHeader,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyOptions,
  type ProtectedHeaderParameters,
} from 'jose';
import type { KeyLookup } from './jwks-key-source.js';

/** Longer tokens are refused before any parsing. Better Auth's largest (the cookie cache) is about 1 KB. */
export const MAX_TOKEN_LENGTH = 8 * 1024;
export const MAX_USER_ID_LENGTH = USER_ID_MAX_LENGTH;
const MAX_KID_LENGTH = 256;

/** Better Auth's `jwt({ sessionCookieCache: true })` signs the cookie cache with the JWKS key under this type… */
export const SESSION_CACHE_TYPE = 'better-auth.session-cache+jwt';
/** …and this audience (better-auth 1.7, `cookies/jwt`). */
export const SESSION_CACHE_AUDIENCE = 'better-auth:session-cache';

/**
 * - `hmac`: HS256/384/512 with the shared secret, the user in `sub` (minted by the frontend's server).
 * - `cookie-cache`: Better Auth's `session.cookieCache.strategy: "jwt"` cookie, HS256 with the shared secret,
 *   the user in the nested `user.id` / `session.userId`.
 * - `jwks`: the `jwt()` plugin's tokens (EdDSA by default), verified against the JWKS, the user in `sub`.
 * - `jwks-cookie-cache`: the cookie cache signed with the JWKS key (`jwt({ sessionCookieCache: true })`).
 */
export type TokenKind = 'hmac' | 'cookie-cache' | 'jwks' | 'jwks-cookie-cache';

export type Verification =
  | {
      readonly ok: true;
      readonly userId: string;
      readonly kind: TokenKind;
      /** When the token expires (its `exp`, in milliseconds since the epoch): long-lived responses end then. */
      readonly expiresAt: number;
      /**
       * Until when (exclusive, milliseconds since the epoch) this verifier would accept the token again, if nothing
       * but time changed: `exp` plus the clock skew, and for a cookie cache also its session's expiry plus the skew.
       */
      readonly validUntil: number;
    }
  /** `reason` is for the log, never for the caller. */
  | { readonly ok: false; readonly reason: string };

export interface TokenVerifier {
  /** Never throws and never rejects: every failure is `{ ok: false }`. */
  verify(token: string): Promise<Verification>;
}

/** What the verifier needs of the JWKS (the `JwksKeySource`). */
export interface PublicKeySource {
  keyFor(kid: string | undefined, alg: string): Promise<KeyLookup>;
}

/**
 * Verifies an HS256/384/512 token with the shared secret: signature, `exp` required, `nbf`, clock skew.
 * Resolves with the claims, or throws.
 */
export type HmacVerifier = (token: string) => Promise<JWTPayload>;

export interface TokenVerifierOptions {
  /** Checks HS256/384/512 tokens against `BETTER_AUTH_SECRET` (the bearer authenticator uses fast-jwt). `null`: every HMAC token is refused. */
  readonly hmac: HmacVerifier | null;
  /** Better Auth's JWKS. `null`: every asymmetric token is refused. */
  readonly jwks: PublicKeySource | null;
  /** Expected `iss`: required on JWKS tokens, checked on HMAC tokens that carry one. `null`: not checked. */
  readonly issuer: string | null;
  /** Expected `aud`, with the same rules as `issuer`. */
  readonly audience: string | null;
  /** How far `exp` and `nbf` may be off. */
  readonly clockSkewSeconds: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
const HMAC = new Set<string>(HMAC_ALGORITHMS);
const ASYMMETRIC_ALGORITHMS = new Set(['EdDSA', 'Ed25519', 'ES256', 'ES384', 'ES512', 'RS256', 'PS256']);
/** Header parameters that name or carry a key (the key must come from our configuration, never from the token). */
const REFUSED_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit', 'b64'];
const BASE64URL_PART = /^[A-Za-z0-9_-]+$/;

const refuse = (reason: string): Verification => ({ ok: false, reason });
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The one verifier of bearer tokens (framework-agnostic; the bearer authenticator calls it). The algorithm in the
 * header only selects which of our keys to try: HS* can only meet the shared secret, asymmetric algorithms only
 * the JWKS keys of the matching type, anything else (`none` included) is refused.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? Date.now;

  const claimRules = (alg: string): JWTVerifyOptions => ({
    algorithms: [alg],
    requiredClaims: ['exp'],
    clockTolerance: options.clockSkewSeconds,
    currentDate: new Date(now()),
  });

  async function verifyHmac(token: string, alg: string): Promise<Verification> {
    if (options.hmac === null) return refuse(`${alg} token, but no BETTER_AUTH_SECRET is configured`);
    const payload = await options.hmac(token);
    // A token minted with the shared secret needs no iss/aud (only holders of the secret can mint one),
    // but one that names another issuer or audience was meant for someone else.
    if (options.issuer !== null && payload.iss !== undefined && payload.iss !== options.issuer) {
      return refuse(`iss ${JSON.stringify(payload.iss)} is not ${JSON.stringify(options.issuer)}`);
    }
    if (options.audience !== null && payload.aud !== undefined && !audienceIncludes(payload.aud, options.audience)) {
      return refuse(`aud ${JSON.stringify(payload.aud)} does not include ${JSON.stringify(options.audience)}`);
    }
    return userOf(payload, 'hmac');
  }

  async function verifyAsymmetric(token: string, alg: string, header: ProtectedHeaderParameters): Promise<Verification> {
    if (options.jwks === null) return refuse(`${alg} token, but no JWKS is configured (BETTER_AUTH_URL or JWKS_URL)`);
    const lookup = await options.jwks.keyFor(header.kid, alg);
    if (!lookup.ok) return refuse(lookup.reason);
    const sessionCache = header.typ === SESSION_CACHE_TYPE;
    const audience = sessionCache ? SESSION_CACHE_AUDIENCE : options.audience;
    const { payload } = await jwtVerify(token, lookup.key, {
      ...claimRules(alg),
      ...(options.issuer === null ? {} : { issuer: options.issuer }),
      ...(audience === null ? {} : { audience }),
    });
    return userOf(payload, sessionCache ? 'jwks-cookie-cache' : 'jwks');
  }

  function userOf(payload: JWTPayload, kind: TokenKind): Verification {
    let id: unknown = payload.sub;
    const { user, session } = payload as { user?: unknown; session?: unknown };
    const cookieCache = isRecord(user) && isRecord(session);
    const skewMs = options.clockSkewSeconds * 1000;
    // Both verifiers require `exp`.
    const expiresAt = Number(payload.exp) * 1000;
    let validUntil = expiresAt + skewMs;
    if (cookieCache) {
      if (user['id'] !== session['userId']) return refuse('cookie cache: user.id and session.userId differ');
      if (id !== undefined && id !== user['id']) return refuse('cookie cache: sub and user.id differ');
      id = user['id'];
      const sessionExpiresAt = typeof session['expiresAt'] === 'string' ? Date.parse(session['expiresAt']) : Number.NaN;
      if (sessionExpiresAt + skewMs < now()) return refuse('cookie cache: the session has expired');
      validUntil = Math.min(validUntil, sessionExpiresAt + skewMs);
    }
    if (typeof id !== 'string' || id.length === 0) return refuse('no user id (sub) in the token');
    // The domain's rule: a NUL, an unpaired surrogate or more than 255 code points could not be stored as an
    // owner (a 500 on insert, or an owner silently changed to U+FFFD): such a token names no user of ours.
    const owner = parseUserId(id);
    if (!owner.ok) return refuse(`the user id ${owner.error}`);
    return { ok: true, userId: owner.value, kind: cookieCache && kind === 'hmac' ? 'cookie-cache' : kind, expiresAt, validUntil };
  }

  async function verify(token: string): Promise<Verification> {
    if (token.length > MAX_TOKEN_LENGTH) return refuse(`token longer than ${MAX_TOKEN_LENGTH} characters`);
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL_PART.test(part))) {
      return refuse('not a signed JWT (three non-empty base64url parts)');
    }
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return refuse('unreadable JWT header');
    }
    const refused = REFUSED_HEADERS.find((name) => name in header);
    if (refused !== undefined) return refuse(`header parameter "${refused}" is not accepted`);
    if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > MAX_KID_LENGTH)) {
      return refuse('kid is not a string of a sensible length');
    }
    const alg = header.alg;
    if (typeof alg !== 'string') return refuse('no alg in the JWT header');
    if (HMAC.has(alg)) return verifyHmac(token, alg);
    if (ASYMMETRIC_ALGORITHMS.has(alg)) return verifyAsymmetric(token, alg, header);
    return refuse(`alg ${JSON.stringify(alg)} is not accepted`);
  }

  return {
    async verify(token) {
      try {
        return await verify(token);
      } catch (error) {
        // jose's errors (bad signature, expired, wrong iss…) and anything unexpected: a refusal, never a 500.
        const code = (error as { code?: unknown }).code;
        return refuse(`${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message ?? String(error)}`);
      }
    },
  };
}

function audienceIncludes(aud: string | string[], expected: string): boolean {
  return Array.isArray(aud) ? aud.includes(expected) : aud === expected;
}
