import type { HttpApp } from '@todo/adapters';
import { base64url, decodeProtectedHeader, SignJWT } from 'jose';
import t, { type Test } from 'tap';
import { startBetterAuth, type BetterAuthAlgorithm } from './support/better-auth-server.js';
import { TEST_SECRET, testApp } from './support/test-app.js';

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function status(app: HttpApp, token: string): Promise<number> {
  return (await app.inject({ url: '/api/tasks', headers: as(token) })).statusCode;
}

/** `token` creates a task; `other` (another user) can neither list nor read it; `token` can. */
async function assertIsolated(t: Test, app: HttpApp, token: string, userId: string, other: string) {
  const created = await app.inject({ method: 'POST', url: '/api/tasks', headers: as(token), payload: { title: `${userId}'s task` } });
  t.equal(created.statusCode, 201, 'the token creates a task');
  const task = created.json<{ id: number; user_id: string }>();
  t.equal(task.user_id, userId, 'owned by the Better Auth user');
  const mine = await app.inject({ url: '/api/tasks', headers: as(token) });
  t.same(mine.json<{ id: number }[]>().map((each) => each.id), [task.id], 'the owner lists it');
  const theirs = await app.inject({ url: '/api/tasks', headers: as(other) });
  t.equal(theirs.statusCode, 200);
  t.notOk(theirs.json<{ id: number }[]>().some((each) => each.id === task.id), 'the other user does not list it');
  t.equal((await app.inject({ url: `/api/tasks/${task.id}`, headers: as(other) })).statusCode, 404, 'nor read it');
  t.equal((await app.inject({ url: `/api/${userId}/tasks`, headers: as(other) })).statusCode, 403, "nor use the owner's path");
}

t.test('a token from /api/auth/token is accepted, and each Better Auth user sees only their own tasks', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const bob = await betterAuth.signUp('bob');
  const adaToken = await betterAuth.token(ada);
  const bobToken = await betterAuth.token(bob);
  t.equal(decodeProtectedHeader(adaToken).alg, 'EdDSA', "Better Auth's default algorithm");
  await assertIsolated(t, app, adaToken, ada.id, bobToken);
  await assertIsolated(t, app, bobToken, bob.id, adaToken);
});

t.test('the set-auth-jwt header of get-session is accepted', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const bob = await betterAuth.signUp('bob');
  await assertIsolated(t, app, await betterAuth.headerToken(ada), ada.id, await betterAuth.headerToken(bob));
});

t.test('every algorithm Better Auth can be configured to is accepted', async (t) => {
  const algorithms: BetterAuthAlgorithm[] = ['EdDSA', 'ES256', 'ES512', 'RS256', 'PS256'];
  await Promise.all(
    algorithms.map((alg) =>
      t.test(alg, async (t) => {
        const betterAuth = await startBetterAuth(t, { alg });
        const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
        const user = await betterAuth.signUp();
        const token = await betterAuth.token(user);
        t.equal(decodeProtectedHeader(token).alg, alg, `Better Auth signed with ${alg}`);
        const response = await app.inject({ method: 'POST', url: '/api/tasks', headers: as(token), payload: { title: alg } });
        t.equal(response.statusCode, 201, 'accepted');
        t.equal(response.json<{ user_id: string }>().user_id, user.id);
      }),
    ),
  );
});

t.test('a token from a second Better Auth instance is refused', async (t) => {
  const ours = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: ours.url } });
  t.equal(await status(app, await ours.token(await ours.signUp())), 200, 'our instance: accepted');

  const foreign = await startBetterAuth(t);
  t.equal(await status(app, await foreign.token(await foreign.signUp())), 401, 'another instance (its own iss and keys): refused');
  // Claims our URL as its issuer and audience, and even shares our secret: only its keys differ.
  const impostor = await startBetterAuth(t, { baseURL: ours.url });
  const impostorToken = await impostor.token(await impostor.signUp());
  t.equal(await status(app, impostorToken), 401, 'an instance claiming our URL, with other keys: refused');
});

t.test('a tampered token is refused', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const bob = await betterAuth.signUp('bob');
  const token = await betterAuth.token(ada);
  t.equal(await status(app, token), 200, 'untouched: accepted');
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
  const asBob = base64url.encode(JSON.stringify({ ...claims, sub: bob.id, id: bob.id }));
  t.equal(await status(app, `${header}.${asBob}.${signature}`), 401, 'sub changed to another user');
  const longer = base64url.encode(JSON.stringify({ ...claims, exp: (claims['exp'] as number) + 86_400 }));
  t.equal(await status(app, `${header}.${longer}.${signature}`), 401, 'exp extended');
  const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
  t.equal(await status(app, `${header}.${payload}.${flipped}`), 401, 'signature changed');
});

t.test('an expired Better Auth token is refused', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const now = Math.floor(Date.now() / 1000);
  t.equal(await status(app, await betterAuth.signJwt({ sub: ada.id, iat: now - 60 })), 200, 'the same signing, not expired: accepted');
  const expired = await betterAuth.signJwt({ sub: ada.id, iat: now - 3600, exp: now - 900 });
  t.equal(await status(app, expired), 401, 'expired 15 minutes ago: refused');
});

t.test('after a key rotation, old tokens work during the grace period and the new key is picked up without a restart', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url, JWKS_REFETCH_COOLDOWN_SECONDS: '0' } });
  const ada = await betterAuth.signUp('ada');
  const oldToken = await betterAuth.token(ada);
  t.equal(await status(app, oldToken), 200, 'before the rotation');
  const fetchesBefore = betterAuth.jwksRequests;

  betterAuth.rotateKeys();
  const newToken = await betterAuth.token(ada);
  t.not(decodeProtectedHeader(newToken).kid, decodeProtectedHeader(oldToken).kid, 'Better Auth signs with a new key');
  t.equal(await status(app, newToken), 200, 'the new key is picked up');
  t.equal(betterAuth.jwksRequests, fetchesBefore + 1, 'by one JWKS fetch');
  t.equal(await status(app, oldToken), 200, 'the old token still works during the grace period');

  betterAuth.endGracePeriod();
  betterAuth.rotateKeys();
  const newestToken = await betterAuth.token(ada);
  t.equal(await status(app, newestToken), 200, 'a newer key again');
  t.equal(await status(app, oldToken), 401, 'once Better Auth stops publishing the old key, its tokens are refused');
});

t.test('the cookie-cache JWT (session.cookieCache.strategy "jwt") is accepted as a bearer token', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const bob = await betterAuth.signUp('bob');
  t.equal(decodeProtectedHeader(ada.cookieCacheJwt).alg, 'HS256', 'HS256 with BETTER_AUTH_SECRET');
  await assertIsolated(t, app, ada.cookieCacheJwt, ada.id, bob.cookieCacheJwt);

  const otherSecret = await startBetterAuth(t, { baseURL: betterAuth.url, secret: `${TEST_SECRET}-other` });
  const stranger = await otherSecret.signUp();
  t.equal(await status(app, stranger.cookieCacheJwt), 401, "a cookie cache signed with another instance's secret is refused");
});

t.test('the cookie cache signed with the JWKS key (jwt({ sessionCookieCache: true })) is accepted', async (t) => {
  const betterAuth = await startBetterAuth(t, { jwksSignedCookieCache: true });
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const bob = await betterAuth.signUp('bob');
  t.equal(decodeProtectedHeader(ada.cookieCacheJwt).typ, 'better-auth.session-cache+jwt');
  await assertIsolated(t, app, ada.cookieCacheJwt, ada.id, bob.cookieCacheJwt);
});

/** What a Next.js route handler does: `auth.api.getSession()`, then an HS256 token with the shared secret. */
async function mintLikeNextJs(userId: string, { secret = TEST_SECRET, expiresIn }: { secret?: string; expiresIn?: string | number } = {}) {
  return new SignJWT({ sub: userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn ?? '15m')
    .sign(new TextEncoder().encode(secret));
}

t.test('HS256 minted like a Next.js route handler is accepted, with the tasks isolated', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const bob = await betterAuth.signUp('bob');
  const adaSession = await betterAuth.session(ada);
  const bobSession = await betterAuth.session(bob);
  t.equal(adaSession.user.id, ada.id);
  await assertIsolated(t, app, await mintLikeNextJs(adaSession.user.id), ada.id, await mintLikeNextJs(bobSession.user.id));
});

t.test('HS256 minted like a Next.js route handler: tampered, expired or signed with another secret is refused', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url } });
  const ada = await betterAuth.signUp('ada');
  const token = await mintLikeNextJs(ada.id);
  t.equal(await status(app, token), 200, 'untouched: accepted');
  const [header, , signature] = token.split('.');
  const asBob = base64url.encode(JSON.stringify({ sub: 'bob', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 900 }));
  t.equal(await status(app, `${header}.${asBob}.${signature}`), 401, 'tampered');
  t.equal(await status(app, await mintLikeNextJs(ada.id, { expiresIn: Math.floor(Date.now() / 1000) - 120 })), 401, 'expired');
  t.equal(await status(app, await mintLikeNextJs(ada.id, { secret: `${TEST_SECRET}-other` })), 401, 'another secret');
});

t.test('with only a JWKS configured, HS256 tokens and cookie caches are refused', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url, BETTER_AUTH_SECRET: '' } });
  const ada = await betterAuth.signUp('ada');
  t.equal(await status(app, await betterAuth.token(ada)), 200, 'the jwt() plugin token: accepted');
  t.equal(await status(app, await mintLikeNextJs(ada.id)), 401, 'HS256: refused');
  t.equal(await status(app, ada.cookieCacheJwt), 401, 'cookie cache: refused');
});

t.test('with only BETTER_AUTH_SECRET configured, jwt() plugin tokens are refused', async (t) => {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t);
  const ada = await betterAuth.signUp('ada');
  t.equal(await status(app, await mintLikeNextJs(ada.id)), 200, 'HS256: accepted');
  t.equal(await status(app, ada.cookieCacheJwt), 200, 'cookie cache: accepted');
  t.equal(await status(app, await betterAuth.token(ada)), 401, 'EdDSA: refused');
  t.equal(betterAuth.jwksRequests, 0, 'no JWKS is fetched');
});
