import { randomUUID, webcrypto } from 'node:crypto';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** A key pair as an issuer (Better Auth) holds it: the private key signs, the public JWK is published. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(alg: string, kid: string = `${alg}-${randomUUID()}`): Promise<SigningKey> {
  const generated = alg === 'Ed25519' ? 'EdDSA' : alg;
  const { publicKey, privateKey } = await generateKeyPair(generated, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: generated } };
}

export interface SignOptions {
  /** Extra protected header parameters (they may override `alg` and `kid`). */
  readonly header?: Record<string, unknown>;
}

/** Signs `claims` exactly as given (no iat/exp added). */
export function sign(key: SigningKey, claims: JWTPayload, { header = {} }: SignOptions = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

/**
 * Signs an Ed25519 token with any header at all, bypassing jose's own checks (it refuses to sign with `crit`
 * parameters it does not know, for instance): what an attacker holding a key can send.
 */
export async function signRawEd25519(key: SigningKey, header: Record<string, unknown>, claims: JWTPayload): Promise<string> {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}`;
  const signature = await webcrypto.subtle.sign('Ed25519', key.privateKey, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

export function signHmac(secret: string | Uint8Array, claims: JWTPayload, { header = {} }: SignOptions = {}): Promise<string> {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', ...header }).sign(bytes);
}

/** A clock that moves only when told to. */
export class ManualClock {
  constructor(public ms = Date.parse('2026-03-01T12:00:00.000Z')) {}
  readonly now = (): number => this.ms;
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export type EndpointMode = 'up' | 'down' | 'unreachable' | 'silent' | 'not-json' | 'no-keys';

/** A JWKS endpoint behind an injected `fetch`: it counts requests and can fail in the ways real ones do. */
export class FakeJwksEndpoint {
  keys: unknown[];
  mode: EndpointMode = 'up';
  requests = 0;

  /** Signing keys are published as their public JWK; anything else as given (to publish odd entries). */
  constructor(keys: readonly unknown[] = []) {
    this.keys = keys.map((key) => (typeof key === 'object' && key !== null && 'publicJwk' in key ? key.publicJwk : key));
  }

  publish(...keys: readonly SigningKey[]): void {
    this.keys.push(...keys.map((key) => key.publicJwk));
  }

  withdraw(key: SigningKey): void {
    this.keys = this.keys.filter((jwk) => (jwk as JWK).kid !== key.kid);
  }

  readonly fetch: typeof globalThis.fetch = async (_input, init) => {
    this.requests += 1;
    switch (this.mode) {
      case 'up':
        return Response.json({ keys: this.keys });
      case 'down':
        return new Response('Service Unavailable', { status: 503 });
      case 'unreachable':
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
      case 'not-json':
        return new Response('<html>maintenance</html>', { status: 200, headers: { 'content-type': 'text/html' } });
      case 'no-keys':
        return Response.json({ data: [] });
      case 'silent':
        return new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason instanceof Error ? init.signal.reason : new Error('aborted')));
        });
    }
  };
}

/** Lets background work (a refresh started by a lookup) finish when the fake fetch answers at once. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
