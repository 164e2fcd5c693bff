import type { JWTPayload } from 'jose';
import t from 'tap';
import { createBearerAuthenticator, type Authentication, type BearerAuthenticatorOptions } from '../src/auth/bearer-authenticator.js';
import { JwksKeySource } from '../src/auth/jwks-key-source.js';
import { mintDevelopmentToken } from '../src/http/dev-token.js';
import { FakeJwksEndpoint, ManualClock, sign, signHmac, signingKey } from './support/jwks-fixtures.js';

const SECRET = 'bearer-authenticator-test-secret-0123456789';
const SKEW_SECONDS = 30;
const ISSUER = 'https://app.example.com';
const MAX_AGE_MS = 600_000;

/**
 * fast-jwt checks HMAC tokens against the real clock, so the manual clock starts at the real time: the first
 * (uncached) verification passes either way, and only the cache sees the clock move afterwards.
 */
function authenticatorWith(options: Partial<BearerAuthenticatorOptions> = {}) {
  const clock = new ManualClock(Date.now());
  const authenticator = createBearerAuthenticator({
    hmacSecret: SECRET,
    jwks: null,
    issuer: ISSUER,
    audience: ISSUER,
    clockSkewSeconds: SKEW_SECONDS,
    now: clock.now,
    ...options,
  });
  const authenticate = (token: string) => authenticator.authenticate({ authorization: `Bearer ${token}`, rawHeaders: ['Authorization', `Bearer ${token}`] });
  return { clock, authenticator, authenticate };
}

const hmacToken = (userId: string, expiresInSeconds = 600) => mintDevelopmentToken({ secret: SECRET, userId, expiresInSeconds });
const isAnsweredAtOnce = (result: Authentication | Promise<Authentication>): result is Authentication => !(result instanceof Promise);

t.test('a token verified before is answered at once, with the same user', async (t) => {
  const { authenticate } = authenticatorWith();
  const token = hmacToken('user-1');
  const first = authenticate(token);
  t.ok(first instanceof Promise, 'the first time it is verified');
  t.match(await first, { ok: true, userId: 'user-1', kind: 'hmac' });
  const again = authenticate(token);
  t.ok(isAnsweredAtOnce(again), 'the second time it is remembered');
  t.match(again, { ok: true, userId: 'user-1', kind: 'hmac' });
  t.match(authenticate(hmacToken('user-2')) instanceof Promise, true, 'another token is verified on its own');
});

t.test('a remembered token is refused once its exp plus the clock skew has passed', async (t) => {
  const { clock, authenticate } = authenticatorWith();
  const token = hmacToken('user-1', 60);
  const result = await authenticate(token);
  t.ok(result.ok);
  const validUntil = (result as Authentication & { ok: true }).expiresAt + SKEW_SECONDS * 1000;

  clock.ms = validUntil - 1;
  t.match(authenticate(token), { ok: true }, 'within the skew: still accepted, from memory');
  clock.ms = validUntil;
  t.match(authenticate(token), { ok: false, reason: /expired/, tokenGiven: true }, 'past it: refused');
});

t.test("a remembered cookie cache is refused once its session has expired, even before the token's exp", async (t) => {
  const { clock, authenticate } = authenticatorWith();
  const sessionExpiresAt = clock.ms + 60_000;
  const token = await signHmac(SECRET, {
    exp: Math.floor(clock.ms / 1000) + 3600,
    session: { id: 'session-1', userId: 'user-1', expiresAt: new Date(sessionExpiresAt).toISOString() },
    user: { id: 'user-1', name: 'Ada' },
  });
  t.match(await authenticate(token), { ok: true, kind: 'cookie-cache' });

  clock.ms = sessionExpiresAt + SKEW_SECONDS * 1000 - 1;
  t.match(authenticate(token), { ok: true }, 'the session is within the skew: accepted');
  clock.ms = sessionExpiresAt + SKEW_SECONDS * 1000;
  t.match(authenticate(token), { ok: false, reason: /expired/ }, 'the session has expired: refused');
});

t.test('refusals are never remembered: a token not yet valid becomes valid at its nbf, and not before', async (t) => {
  const clock = new ManualClock();
  const key = await signingKey('EdDSA');
  const jwks = new JwksKeySource({ url: `${ISSUER}/jwks`, timeoutMs: 1000, cooldownMs: 0, maxAgeMs: MAX_AGE_MS, fetch: new FakeJwksEndpoint([key]).fetch, now: clock.now });
  const { authenticate } = authenticatorWith({ jwks, now: clock.now });
  const claims: JWTPayload = { sub: 'user-1', iss: ISSUER, aud: ISSUER, nbf: clock.seconds + 120, exp: clock.seconds + 900 };
  const token = await sign(key, claims);

  for (const attempt of [1, 2]) {
    const result = authenticate(token);
    t.ok(result instanceof Promise, `attempt ${attempt}: verified again`);
    t.match(await result, { ok: false, reason: /nbf/ }, `attempt ${attempt}: not yet valid`);
  }
  clock.advance((120 - SKEW_SECONDS) * 1000);
  t.match(await authenticate(token), { ok: true, userId: 'user-1', kind: 'jwks' }, 'valid from nbf minus the skew');
  t.ok(isAnsweredAtOnce(authenticate(token)), 'and remembered from then on');
});

t.test('a remembered JWKS token expires with the clock, and stops working once its key is withdrawn', async (t) => {
  const clock = new ManualClock();
  const withdrawn = await signingKey('EdDSA');
  const kept = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([withdrawn, kept]);
  const jwks = new JwksKeySource({ url: `${ISSUER}/jwks`, timeoutMs: 1000, cooldownMs: 0, maxAgeMs: MAX_AGE_MS, fetch: endpoint.fetch, now: clock.now });
  const { authenticate } = authenticatorWith({ jwks, now: clock.now });
  const claims = (exp: number): JWTPayload => ({ sub: 'user-1', iss: ISSUER, aud: ISSUER, exp });
  const shortLived = await sign(withdrawn, claims(clock.seconds + 60));
  const longLived = await sign(withdrawn, claims(clock.seconds + 3600));
  const other = await sign(kept, claims(clock.seconds + 3600));
  // `other` first: the set is fetched by the first verification, which is therefore not remembered.
  for (const token of [other, shortLived, longLived]) t.match(await authenticate(token), { ok: true });
  t.ok(isAnsweredAtOnce(authenticate(shortLived)), 'remembered');

  clock.advance((60 + SKEW_SECONDS) * 1000);
  t.match(authenticate(shortLived), { ok: false, reason: /expired/ }, 'past exp plus the skew: refused');
  t.match(await authenticate(shortLived), { ok: false }, 'and still refused when verified again');
  t.ok(isAnsweredAtOnce(authenticate(longLived)), 'a longer-lived token is still remembered');

  endpoint.withdraw(withdrawn);
  // A token signed by a key the set does not hold yet makes the source fetch the set again.
  const rotatedIn = await signingKey('EdDSA');
  endpoint.publish(rotatedIn);
  t.match(await authenticate(await sign(rotatedIn, claims(clock.seconds + 3600))), { ok: true }, 'the new key is fetched');
  t.match(await authenticate(longLived), { ok: false, reason: /unknown kid/ }, 'the withdrawn key no longer vouches for its token');
  t.match(await authenticate(other), { ok: true }, 'a token of a key still published is verified again and accepted');
  t.ok(isAnsweredAtOnce(authenticate(other)), 'and remembered again');

  clock.advance(MAX_AGE_MS);
  t.ok(authenticate(other) instanceof Promise, 'once the key set is older than its max age, tokens are verified again (which refreshes it)');
});

t.test('the header checks run for a remembered token too', async (t) => {
  const { authenticator, authenticate } = authenticatorWith();
  const token = hmacToken('user-1');
  t.match(await authenticate(token), { ok: true });
  const twice = authenticator.authenticate({ authorization: `Bearer ${token}`, rawHeaders: ['Authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`] });
  t.match(twice, { ok: false, reason: 'several authorization headers' });
  t.match(authenticator.authenticate({ authorization: `Basic ${token}`, rawHeaders: ['Authorization', `Basic ${token}`] }), { ok: false, reason: 'not a bearer token' });
});

t.test('at most maxCachedTokens tokens are remembered; the oldest is forgotten first', async (t) => {
  const { authenticate } = authenticatorWith({ maxCachedTokens: 2 });
  const [a, b, c] = ['user-a', 'user-b', 'user-c'].map((user) => hmacToken(user)) as [string, string, string];
  for (const token of [a, b, c]) t.match(await authenticate(token), { ok: true });
  t.ok(authenticate(a) instanceof Promise, 'the oldest was forgotten');
  t.ok(isAnsweredAtOnce(authenticate(c)), 'the newest is remembered');
});

t.test('by default at most 10,000 tokens are remembered', async (t) => {
  const { authenticate } = authenticatorWith();
  const tokens = Array.from({ length: 10_001 }, (_, index) => hmacToken(`user-${index}`));
  for (const token of tokens) await authenticate(token);
  t.ok(authenticate(tokens[0]!) instanceof Promise, 'the first of 10,001 was forgotten');
  t.ok(isAnsweredAtOnce(authenticate(tokens[1]!)), 'the second is still remembered');
  t.ok(isAnsweredAtOnce(authenticate(tokens[10_000]!)), 'and the last');
});
