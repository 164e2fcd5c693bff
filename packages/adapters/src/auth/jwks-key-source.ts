import { importJWK, type CryptoKey, type JWK } from 'jose';

export interface JwksKeySourceOptions {
  /** Where the JSON Web Key Set is published, e.g. `https://app.example.com/api/auth/jwks`. */
  readonly url: string;
  /** A fetch that takes longer than this is abandoned (the cached keys stay in use). */
  readonly timeoutMs: number;
  /**
   * The least time between two fetches. A token naming an unknown `kid` triggers a fetch only when the last one
   * started at least this long ago, so a flood of made-up `kid`s costs the JWKS endpoint one request per interval.
   */
  readonly cooldownMs: number;
  /** After this long, the next lookup refreshes the keys in the background; the cached ones answer meanwhile. */
  readonly maxAgeMs: number;
  readonly fetch?: typeof globalThis.fetch;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** A fetch failed or answered something unusable; whatever keys were cached stay in use. */
  readonly onFetchError?: (error: Error) => void;
}

export type KeyLookup =
  | { readonly ok: true; readonly key: CryptoKey }
  | { readonly ok: false; readonly reason: string };

/** One public key of the set, imported once for each algorithm its type allows. */
interface CachedKey {
  readonly kid: string | undefined;
  readonly description: string;
  readonly byAlgorithm: ReadonlyMap<string, CryptoKey>;
}

const MAX_DOCUMENT_BYTES = 512 * 1024;
const MAX_KEYS = 100;

/**
 * The algorithms a public key may verify, decided by its type and curve and never by the token: an RSA key
 * cannot verify an EdDSA token, and no key from a JWKS ever verifies an HMAC token (`oct` keys are ignored).
 */
function algorithmsFor(jwk: Record<string, unknown>): readonly string[] {
  switch (jwk['kty']) {
    case 'OKP':
      // "Ed25519" is the fully-specified name (RFC 9864) of what Better Auth calls "EdDSA".
      return jwk['crv'] === 'Ed25519' ? ['EdDSA', 'Ed25519'] : [];
    case 'EC':
      return { 'P-256': ['ES256'], 'P-384': ['ES384'], 'P-521': ['ES512'] }[String(jwk['crv'])] ?? [];
    case 'RSA':
      return ['RS256', 'PS256'];
    default:
      return [];
  }
}

/** undici says "fetch failed" and keeps the useful part (ECONNREFUSED…) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

async function importKey(jwk: unknown): Promise<CachedKey | null> {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return null;
  const entry = jwk as Record<string, unknown>;
  if (entry['use'] !== undefined && entry['use'] !== 'sig') return null;
  if (Array.isArray(entry['key_ops']) && !entry['key_ops'].includes('verify')) return null;
  const kid = entry['kid'];
  if (kid !== undefined && typeof kid !== 'string') return null;
  const declared = entry['alg'];
  const allowed = algorithmsFor(entry).filter(
    (alg) => declared === undefined || declared === alg || (declared === 'EdDSA' && alg === 'Ed25519'),
  );
  if (allowed.length === 0) return null;

  // Only the public members are imported: a private member published by mistake must not make a signing key.
  const publicJwk: JWK = Object.fromEntries(PUBLIC_MEMBERS.flatMap((name) => (name in entry ? [[name, entry[name]]] : [])));
  const byAlgorithm = new Map<string, CryptoKey>();
  for (const alg of allowed) {
    try {
      const key = await importJWK(publicJwk, alg);
      if (key instanceof Uint8Array) return null;
      byAlgorithm.set(alg, key);
    } catch {
      return null;
    }
  }
  const curve = typeof entry['crv'] === 'string' ? ` ${entry['crv']}` : '';
  return { kid, description: `${String(entry['kty'])}${curve}`, byAlgorithm };
}

/**
 * The public keys of a JSON Web Key Set, fetched lazily and cached.
 *
 * - The first lookup fetches; concurrent lookups share one fetch.
 * - A token naming an unknown `kid` refetches, at most once per cooldown (key rotation is picked up without a restart).
 * - Older than `maxAgeMs`, the set is refreshed in the background, so keys the issuer dropped stop being trusted.
 * - A failed fetch never empties the cache: the keys already known keep working while the endpoint is down.
 */
export class JwksKeySource {
  readonly url: string;
  readonly #options: JwksKeySourceOptions;
  readonly #fetch: typeof globalThis.fetch;
  readonly #now: () => number;
  #keys: readonly CachedKey[] | null = null;
  #generation = 0;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #lastFailure: string | null = null;
  #inFlight: Promise<void> | null = null;

  constructor(options: JwksKeySourceOptions) {
    this.url = options.url;
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
  }

  /** The key that verifies a token with this `kid` (or, without one, the only key for `alg`) and this `alg`. */
  async keyFor(kid: string | undefined, alg: string): Promise<KeyLookup> {
    let refreshed = false;
    if (this.#keys === null) {
      await this.#refreshIfAllowed();
      refreshed = true;
      if (this.#keys === null) return { ok: false, reason: `JWKS unavailable (${this.#lastFailure ?? 'fetched a moment ago'})` };
    } else if (this.#now() - this.#fetchedAt >= this.#options.maxAgeMs) {
      void this.#refreshIfAllowed();
    }

    let found = this.#find(kid, alg);
    if (found === undefined && !refreshed) {
      // Unknown kid: perhaps the issuer rotated its key. Ask again, unless we asked a moment ago.
      await this.#refreshIfAllowed();
      found = this.#find(kid, alg);
    }
    if (found === undefined) {
      const reason = kid === undefined ? `no kid, and not exactly one ${alg} key in the JWKS` : `unknown kid ${JSON.stringify(kid)}`;
      return { ok: false, reason };
    }
    const key = found.byAlgorithm.get(alg);
    if (key === undefined) {
      return { ok: false, reason: `alg ${alg} is not allowed for the ${found.description} key ${JSON.stringify(found.kid)}` };
    }
    return { ok: true, key };
  }

  /**
   * Which fetched key set `keyFor` answers from now: a new number after every fetch, `null` when there is none yet or
   * it is older than `maxAgeMs` (the next `keyFor` refreshes it). A verification remembered under one generation
   * holds only while the generation is the same: a key dropped from the set must stop verifying.
   */
  keySetGeneration(): number | null {
    return this.#keys !== null && this.#now() - this.#fetchedAt < this.#options.maxAgeMs ? this.#generation : null;
  }

  #find(kid: string | undefined, alg: string): CachedKey | undefined {
    const keys = this.#keys ?? [];
    if (kid !== undefined) return keys.find((key) => key.kid === kid);
    const candidates = keys.filter((key) => key.byAlgorithm.has(alg));
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** Waits for a fetch in flight, or starts one if the cooldown allows; resolves either way. */
  #refreshIfAllowed(): Promise<void> {
    if (this.#inFlight !== null) return this.#inFlight;
    if (this.#now() - this.#attemptedAt < this.#options.cooldownMs) return Promise.resolve();
    this.#attemptedAt = this.#now();
    this.#inFlight = this.#fetchKeys()
      .then((keys) => {
        this.#keys = keys;
        this.#generation += 1;
        this.#fetchedAt = this.#now();
        this.#lastFailure = null;
      })
      .catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.#lastFailure = failure.message;
        try {
          this.#options.onFetchError?.(failure);
        } catch {
          // A failing observer must not turn a refresh that nobody awaits into an unhandled rejection.
        }
      })
      .finally(() => {
        this.#inFlight = null;
      });
    return this.#inFlight;
  }

  async #fetchKeys(): Promise<readonly CachedKey[]> {
    let response: Response;
    try {
      response = await this.#fetch(this.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      const cause = (error as Error).name === 'TimeoutError' ? `no answer within ${this.#options.timeoutMs} ms` : describe(error);
      throw new Error(`JWKS fetch from ${this.url} failed: ${cause}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`JWKS fetch from ${this.url} answered ${response.status}`);
    }
    const declaredLength = Number(response.headers.get('content-length') ?? 0);
    if (declaredLength > MAX_DOCUMENT_BYTES) {
      await response.body?.cancel();
      throw new Error(`JWKS from ${this.url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    }
    let document: unknown;
    try {
      const text = await response.text();
      if (text.length > MAX_DOCUMENT_BYTES) throw new Error(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
      document = JSON.parse(text);
    } catch (error) {
      throw new Error(`JWKS from ${this.url} is unreadable: ${(error as Error).message}`, { cause: error });
    }
    const entries = (document as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(entries)) throw new Error(`JWKS from ${this.url} has no "keys" array`);
    const keys = await Promise.all(entries.slice(0, MAX_KEYS).map(importKey));
    return keys.filter((key) => key !== null);
  }
}
