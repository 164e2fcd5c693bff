import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { base64url, exportJWK, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import t, { type Test } from 'tap';
import { JwksKeySource } from '../src/auth/jwks-key-source.js';
import {
  createTokenVerifier,
  HMAC_ALGORITHMS,
  type HmacVerifier,
  SESSION_CACHE_AUDIENCE,
  SESSION_CACHE_TYPE,
  type TokenVerifier,
  type TokenVerifierOptions,
} from '../src/auth/token-verifier.js';
import { FakeJwksEndpoint, ManualClock, sign, signHmac, signingKey, signRawEd25519 } from './support/jwks-fixtures.js';

const SECRET = 'unit-test-secret-0123456789-0123456789-abcdef';
const ISSUER = 'https://app.example.com';
const SKEW = 30;

const clock = new ManualClock();
const ed = await signingKey('EdDSA');
const endpoint = new FakeJwksEndpoint([ed]);
const jwks = new JwksKeySource({
  url: `${ISSUER}/api/auth/jwks`,
  timeoutMs: 1000,
  cooldownMs: 0,
  maxAgeMs: 600_000,
  fetch: endpoint.fetch,
  now: clock.now,
});

/**
 * HMAC verification as fast-jwt does it in the app (signature, HS* only, exp required, skew), on the manual
 * clock. The app-level suites (jwt-attacks, better-auth-tokens) run the real fast-jwt path.
 */
function hmacWith(secret: string): HmacVerifier {
  const key = new TextEncoder().encode(secret);
  return async (token) =>
    (
      await jwtVerify(token, key, {
        algorithms: [...HMAC_ALGORITHMS],
        requiredClaims: ['exp'],
        clockTolerance: SKEW,
        currentDate: new Date(clock.now()),
      })
    ).payload;
}

function verifier(options: Partial<TokenVerifierOptions> = {}): TokenVerifier {
  return createTokenVerifier({
    hmac: hmacWith(SECRET),
    jwks,
    issuer: ISSUER,
    audience: ISSUER,
    clockSkewSeconds: SKEW,
    now: clock.now,
    ...options,
  });
}

const both = verifier();
/** Claims of a valid token for `sub` at the manual clock's time. */
const valid = (sub = 'user-1', extra: JWTPayload = {}): JWTPayload => ({
  sub,
  iat: clock.seconds,
  exp: clock.seconds + 900,
  iss: ISSUER,
  aud: ISSUER,
  ...extra,
});

async function refusal(t: Test, verifier: TokenVerifier, token: string, reason: RegExp, message?: string) {
  const result = await verifier.verify(token);
  t.match(result, { ok: false, reason }, message ?? `refused: ${reason}`);
}

/** Better Auth's cookie cache payload (better-auth 1.7 `setCookieCache`, strategy "jwt"). */
function cookieCachePayload(userId: string, overrides: { user?: object; session?: object } = {}): JWTPayload {
  return {
    session: {
      id: 'session-1',
      token: 'opaque-session-token',
      userId,
      expiresAt: new Date(clock.ms + 7 * 86_400_000).toISOString(),
      createdAt: new Date(clock.ms).toISOString(),
      updatedAt: new Date(clock.ms).toISOString(),
      ipAddress: '',
      userAgent: 'node',
      ...overrides.session,
    },
    user: {
      id: userId,
      name: 'Ada',
      email: 'ada@example.com',
      emailVerified: false,
      createdAt: new Date(clock.ms).toISOString(),
      updatedAt: new Date(clock.ms).toISOString(),
      ...overrides.user,
    },
    updatedAt: clock.ms,
    version: '1',
    iat: clock.seconds,
    exp: clock.seconds + 300,
  };
}

t.test('HS256, HS384 and HS512 tokens signed with the secret are accepted; the user is sub', async (t) => {
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    const token = await signHmac(SECRET, { sub: 'user-1', exp: clock.seconds + 60 }, { header: { alg } });
    const expiresAt = (clock.seconds + 60) * 1000;
    const validUntil = expiresAt + SKEW * 1000;
    t.same(await both.verify(token), { ok: true, userId: 'user-1', kind: 'hmac', expiresAt, validUntil }, `${alg}: with exp, which ends a stream`);
  }
});

t.test("Better Auth's cookie-cache JWT is accepted: the user is the nested user.id", async (t) => {
  const token = await signHmac(SECRET, cookieCachePayload('user-7'));
  t.match(await both.verify(token), { ok: true, userId: 'user-7', kind: 'cookie-cache' });
});

t.test("a cookie-cache JWT is valid until the earlier of its exp and its session's expiry, each plus the skew", async (t) => {
  const sessionEnds = clock.ms + 60_000;
  const exp = clock.seconds + 3600;
  const shortSession = await signHmac(SECRET, { ...cookieCachePayload('user-7', { session: { expiresAt: new Date(sessionEnds).toISOString() } }), exp });
  t.match(await both.verify(shortSession), { ok: true, expiresAt: exp * 1000, validUntil: sessionEnds + SKEW * 1000 }, 'the session ends first');
  const longSession = await signHmac(SECRET, { ...cookieCachePayload('user-7'), exp });
  t.match(await both.verify(longSession), { ok: true, expiresAt: exp * 1000, validUntil: (exp + SKEW) * 1000 }, 'the token expires first');
});

t.test('a cookie-cache JWT whose user and session disagree, or whose session has expired, is refused', async (t) => {
  await refusal(t, both, await signHmac(SECRET, cookieCachePayload('user-7', { session: { userId: 'user-8' } })), /user.id and session.userId differ/);
  await refusal(t, both, await signHmac(SECRET, { ...cookieCachePayload('user-7'), sub: 'user-8' }), /sub and user.id differ/);
  const expired = { session: { expiresAt: new Date(clock.ms - 3_600_000).toISOString() } };
  await refusal(t, both, await signHmac(SECRET, cookieCachePayload('user-7', expired)), /session has expired/);
  await refusal(t, both, await signHmac(SECRET, cookieCachePayload('', {})), /no user id/);
});

t.test('each asymmetric algorithm Better Auth can sign with is accepted from the JWKS', async (t) => {
  for (const alg of ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'ES512', 'RS256', 'PS256']) {
    const key = await signingKey(alg);
    endpoint.publish(key);
    t.match(await both.verify(await sign(key, valid(`user-${alg}`))), { ok: true, userId: `user-${alg}`, kind: 'jwks' }, alg);
  }
});

t.test("the JWKS-signed cookie cache (jwt({ sessionCookieCache: true })) is accepted with its own audience", async (t) => {
  const payload = { ...cookieCachePayload('user-9'), sid: 'opaque-session-token', sub: 'user-9', iss: ISSUER, aud: SESSION_CACHE_AUDIENCE };
  const token = await sign(ed, payload, { header: { typ: SESSION_CACHE_TYPE } });
  t.match(await both.verify(token), { ok: true, userId: 'user-9', kind: 'jwks-cookie-cache' });
  await refusal(t, both, await sign(ed, payload), /aud/, 'the session-cache audience without the session-cache type is refused');
  await refusal(t, both, await sign(ed, valid('user-9'), { header: { typ: SESSION_CACHE_TYPE } }), /aud/, 'the type does not relax the audience');
});

t.test('alg none, and every algorithm outside the allow-list, is refused', async (t) => {
  const payload = base64url.encode(JSON.stringify(valid()));
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    const header = base64url.encode(JSON.stringify({ alg, typ: 'JWT' }));
    await refusal(t, both, `${header}.${payload}.`, /not a signed JWT/, `${alg} with an empty signature`);
    await refusal(t, both, `${header}.${payload}.${base64url.encode('x')}`, /alg .* is not accepted/, `${alg} with a signature`);
  }
  for (const alg of ['RS384', 'RS512', 'PS512', 'ES256K', 'HS1', 'toString', '__proto__', '']) {
    const header = base64url.encode(JSON.stringify({ alg, kid: ed.kid }));
    await refusal(t, both, `${header}.${payload}.${base64url.encode('signature')}`, /alg .* is not accepted/, `alg ${JSON.stringify(alg)}`);
  }
  await refusal(t, both, `${base64url.encode('{"typ":"JWT"}')}.${payload}.${base64url.encode('s')}`, /no alg/);
});

t.test('an HMAC token is refused when only a JWKS is configured, an asymmetric one when only a secret is', async (t) => {
  const jwksOnly = verifier({ hmac: null });
  await refusal(t, jwksOnly, await signHmac(SECRET, valid()), /no BETTER_AUTH_SECRET/);
  const secretOnly = verifier({ jwks: null });
  await refusal(t, secretOnly, await sign(ed, valid()), /no JWKS/);
});

t.test('HMAC signed with the public key (algorithm confusion) is refused', async (t) => {
  const rsa = await signingKey('RS256');
  endpoint.publish(rsa);
  const spki = createPublicKey({ key: rsa.publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const candidates = [String(spki), JSON.stringify(rsa.publicJwk), JSON.stringify(ed.publicJwk), base64url.decode(String(ed.publicJwk.x))];
  for (const secret of candidates) {
    for (const verifierUnderTest of [both, verifier({ hmac: null })]) {
      const token = await signHmac(secret, valid(), { header: { kid: rsa.kid } });
      await refusal(t, verifierUnderTest, token, /signature verification failed|no BETTER_AUTH_SECRET/);
    }
  }
});

t.test('an algorithm that does not fit the named key is refused', async (t) => {
  const rsa = await signingKey('RS256');
  endpoint.publish(rsa);
  const es = await signingKey('ES256');
  // Signed with an EC key, but naming the RSA key of the JWKS.
  await refusal(t, both, await sign(es, valid(), { header: { kid: rsa.kid } }), /ES256 is not allowed for the RSA key/);
  const pss = (await importJWK(await exportJWK(rsa.privateKey), 'PS256')) as CryptoKey;
  const pssToken = await sign({ ...rsa, alg: 'PS256', privateKey: pss }, valid());
  await refusal(t, both, pssToken, /PS256 is not allowed/, 'an RS256-declared key does not verify PS256');
});

t.test('tokens that name or carry their own key are refused, even when well signed', async (t) => {
  const attacker = await signingKey('EdDSA');
  const headers: Record<string, unknown> = {
    jku: 'https://attacker.example/jwks.json',
    x5u: 'https://attacker.example/cert.pem',
    jwk: attacker.publicJwk,
    x5c: ['MIIBszCCAVmgAwIBAgIUX'],
    crit: ['exp'],
    b64: false,
  };
  for (const [name, value] of Object.entries(headers)) {
    const token = await signRawEd25519(ed, { alg: 'EdDSA', kid: ed.kid, [name]: value }, valid());
    await refusal(t, both, token, new RegExp(`"${name}" is not accepted`), name);
  }
  t.ok((await both.verify(await signRawEd25519(ed, { alg: 'EdDSA', kid: ed.kid }, valid()))).ok, 'the same token without them is accepted');
});

t.test('a token over 8 KB is refused, even with a good signature', async (t) => {
  const token = await sign(ed, valid('user-1', { padding: 'x'.repeat(8 * 1024) }));
  await refusal(t, both, token, /longer than 8192/);
  const justUnder = await sign(ed, valid('user-1', { padding: 'x'.repeat(5 * 1024) }));
  t.ok((await both.verify(justUnder)).ok, 'a large token under the limit is fine');
});

t.test('exp is required and checked with the clock skew', async (t) => {
  const { exp: _exp, ...withoutExp } = valid();
  await refusal(t, both, await sign(ed, withoutExp), /"exp" claim/, 'missing exp');
  await refusal(t, both, await signHmac(SECRET, { sub: 'user-1' }), /"exp" claim/, 'missing exp (HMAC)');
  await refusal(t, both, await sign(ed, valid('user-1', { exp: clock.seconds - SKEW - 1 })), /ERR_JWT_EXPIRED/, 'past the skew');
  t.ok((await both.verify(await sign(ed, valid('user-1', { exp: clock.seconds - SKEW + 1 })))).ok, 'expired within the skew: accepted');
  await refusal(t, both, await sign(ed, valid('user-1', { exp: 'tomorrow' as unknown as number })), /"exp" claim/, 'exp not a number');
});

t.test('nbf in the future is refused beyond the clock skew', async (t) => {
  await refusal(t, both, await sign(ed, valid('user-1', { nbf: clock.seconds + SKEW + 5 })), /"nbf" claim/);
  await refusal(t, both, await signHmac(SECRET, valid('user-1', { nbf: clock.seconds + 3600 })), /"nbf" claim/, 'HMAC');
  t.ok((await both.verify(await sign(ed, valid('user-1', { nbf: clock.seconds + SKEW - 1 })))).ok, 'within the skew: accepted');
});

t.test('JWKS tokens must carry the expected iss and aud', async (t) => {
  const { iss: _iss, ...withoutIss } = valid();
  const { aud: _aud, ...withoutAud } = valid();
  await refusal(t, both, await sign(ed, withoutIss), /"iss" claim/, 'missing iss');
  await refusal(t, both, await sign(ed, withoutAud), /"aud" claim/, 'missing aud');
  await refusal(t, both, await sign(ed, valid('user-1', { iss: 'https://other.example.com' })), /"iss" claim/, 'wrong iss');
  await refusal(t, both, await sign(ed, valid('user-1', { aud: 'https://other.example.com' })), /"aud" claim/, 'wrong aud');
  t.ok((await both.verify(await sign(ed, valid('user-1', { aud: ['https://other.example.com', ISSUER] })))).ok, 'an aud list naming us');
  const unchecked = verifier({ issuer: null, audience: null });
  t.ok((await unchecked.verify(await sign(ed, withoutIss))).ok, 'not checked when nothing is configured');
});

t.test('HMAC tokens: iss and aud are checked when present, and may be absent', async (t) => {
  t.ok((await both.verify(await signHmac(SECRET, { sub: 'user-1', exp: clock.seconds + 60 }))).ok, 'absent: accepted');
  t.ok((await both.verify(await signHmac(SECRET, valid()))).ok, 'matching: accepted');
  await refusal(t, both, await signHmac(SECRET, valid('user-1', { iss: 'https://other.example.com' })), /iss "https:\/\/other/);
  await refusal(t, both, await signHmac(SECRET, valid('user-1', { aud: ['https://other.example.com'] })), /aud .* does not include/);
});

t.test('the user id must be a non-empty string of at most 255 characters', async (t) => {
  const { sub: _sub, ...withoutSub } = valid();
  await refusal(t, both, await sign(ed, withoutSub), /no user id/, 'missing');
  await refusal(t, both, await sign(ed, valid('')), /no user id/, 'empty');
  await refusal(t, both, await sign(ed, valid('user-1', { sub: 42 as unknown as string })), /"sub" claim|no user id/, 'a number');
  await refusal(t, both, await signHmac(SECRET, valid('u'.repeat(256))), /at most 255 characters/, '256 characters');
  t.match(await both.verify(await signHmac(SECRET, valid('u'.repeat(255)))), { ok: true, userId: 'u'.repeat(255), kind: 'hmac' }, '255 characters');
  const emoji = '\u{1F600}'.repeat(255);
  t.match(await both.verify(await signHmac(SECRET, valid(emoji))), { ok: true, userId: emoji, kind: 'hmac' }, '255 code points of 2 UTF-16 units each');
});

t.test('a user id holding a NUL or an unpaired surrogate is refused, from sub and from a cookie cache alike', async (t) => {
  for (const [label, id, reason] of [
    ['a NUL', 'user\u00001', /NUL character/],
    ['an unpaired surrogate', 'user-\ud800', /unpaired surrogate/],
    ['a low surrogate before a high one', '\udc00\ud800', /unpaired surrogate/],
  ] as const) {
    await refusal(t, both, await signHmac(SECRET, valid(id)), reason, `HMAC sub with ${label}`);
    await refusal(t, both, await sign(ed, valid(id)), reason, `JWKS sub with ${label}`);
    await refusal(t, both, await signHmac(SECRET, cookieCachePayload(id)), reason, `cookie cache user.id with ${label}`);
  }
  t.match(await both.verify(await signHmac(SECRET, valid('user\u0007\u{1F600}e\u0301'))), {
    ok: true,
    userId: 'user\u0007\u{1F600}e\u0301',
    kind: 'hmac',
  }, 'other control characters, astral characters and combining marks are a user id like any');
});

t.test('a tampered payload or signature is refused', async (t) => {
  const token = await sign(ed, valid('user-1'));
  const [header, , signature] = token.split('.');
  const forged = base64url.encode(JSON.stringify(valid('user-2')));
  await refusal(t, both, `${header}.${forged}.${signature}`, /signature verification failed/, 'payload swapped');
  const flipped = signature!.startsWith('A') ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
  await refusal(t, both, `${token.split('.').slice(0, 2).join('.')}.${flipped}`, /signature verification failed/, 'signature changed');
  const hmac = await signHmac(SECRET, valid('user-1'));
  const [hmacHeader, , hmacSignature] = hmac.split('.');
  await refusal(t, both, `${hmacHeader}.${forged}.${hmacSignature}`, /signature verification failed/, 'HMAC payload swapped');
  await refusal(t, both, await signHmac(`${SECRET}!`, valid('user-1')), /signature verification failed/, 'another secret');
});

t.test('malformed tokens are refused, never thrown', async (t) => {
  const header = base64url.encode(JSON.stringify({ alg: 'HS256' }));
  const cases: Record<string, string> = {
    empty: '',
    'two parts': 'abc.def',
    'five parts (JWE)': 'a.b.c.d.e',
    'padding characters': `${header}.e30=.sig`,
    'header not JSON': `${base64url.encode('{alg')}.e30.c2ln`,
    'header not an object': `${base64url.encode('"HS256"')}.e30.c2ln`,
    'payload not JSON': `${header}.${base64url.encode('not json')}.c2ln`,
    'kid a number': `${base64url.encode(JSON.stringify({ alg: 'EdDSA', kid: 42 }))}.e30.c2ln`,
    'kid huge': `${base64url.encode(JSON.stringify({ alg: 'EdDSA', kid: 'k'.repeat(300) }))}.e30.c2ln`,
  };
  for (const [name, token] of Object.entries(cases)) {
    const result = await both.verify(token);
    t.equal(result.ok, false, name);
  }
  const arrayPayload = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  const [h, , s] = arrayPayload.split('.');
  t.equal((await both.verify(`${h}.${base64url.encode('[1,2]')}.${s}`)).ok, false, 'payload an array');
});

t.test('the verifier never throws, even when its key source does', async (t) => {
  const broken = verifier({
    jwks: {
      keyFor: async () => {
        throw new Error('boom');
      },
    },
  });
  await refusal(t, broken, await sign(ed, valid()), /boom/);
});

