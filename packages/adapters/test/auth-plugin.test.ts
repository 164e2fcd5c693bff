import { Writable } from 'node:stream';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { createBearerAuthenticator, type CachingKeySource } from '../src/auth/bearer-authenticator.js';
import { apiChallenge, authPlugin } from '../src/http/auth.js';
import { mintDevelopmentToken } from '../src/http/dev-token.js';

const SECRET = 'auth-plugin-test-secret-0123456789-abcdef';
const good = mintDevelopmentToken({ secret: SECRET, userId: 'user-1', expiresInSeconds: 600 });
const forged = mintDevelopmentToken({ secret: 'another-secret-0123456789-0123456789', userId: 'user-1', expiresInSeconds: 600 });

async function appWith(t: Test, options: { jwks?: CachingKeySource } = {}) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream } });
  await app.register(async (api) => {
    const authenticator = createBearerAuthenticator({
      hmacSecret: SECRET,
      jwks: options.jwks ?? null,
      issuer: null,
      audience: null,
      clockSkewSeconds: 0,
    });
    await api.register(authPlugin, { authenticator, challenge: apiChallenge });
    api.get('/api/me', async (request) => ({ actor: request.actor }));
  });
  t.teardown(() => app.close());
  return { app, lines };
}

t.test('an accepted token makes its user the actor', async (t) => {
  const { app } = await appWith(t);
  const response = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${good}` } });
  t.equal(response.statusCode, 200);
  t.same(response.json(), { actor: 'user-1' });
});

t.test('the bearer scheme is case-insensitive', async (t) => {
  const { app } = await appWith(t);
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    const response = await app.inject({ url: '/api/me', headers: { authorization: `${scheme} ${good}` } });
    t.equal(response.statusCode, 200, scheme);
  }
});

t.test('no credentials: 401 with a bare challenge', async (t) => {
  const { app } = await appWith(t);
  for (const headers of [{}, { authorization: '' }]) {
    const response = await app.inject({ url: '/api/me', headers });
    t.equal(response.statusCode, 401);
    t.equal(response.headers['www-authenticate'], 'Bearer realm="todo-api"');
    t.match(response.headers['content-type'], /^application\/problem\+json/);
  }
});

t.test('a refused token: 401 invalid_token problem, with the reason in the log and not in the response', async (t) => {
  const { app, lines } = await appWith(t);
  const response = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${forged}` } });
  t.equal(response.statusCode, 401);
  t.equal(response.headers['www-authenticate'], 'Bearer realm="todo-api", error="invalid_token"');
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  t.match(response.json(), { status: 401, detail: 'A valid bearer token is required.' });
  const logged = lines.find((line) => line['msg'] === 'request not authenticated');
  t.match(logged?.['reason'], /signature/i, 'the reason is logged');
  t.notMatch(response.body, /signature/i, 'the reason is not sent');
});

t.test('other schemes, malformed headers and several Authorization headers are refused', async (t) => {
  const { app, lines } = await appWith(t);
  const cases: Record<string, string | string[]> = {
    basic: 'Basic dXNlcjpwYXNz',
    'token without scheme': good,
    'scheme without token': 'Bearer',
    'two tokens': `Bearer ${good} ${good}`,
    'comma-joined': `Bearer ${good}, Bearer ${good}`,
    'two headers': [`Bearer ${good}`, `Bearer ${good}`],
    'two different headers': [`Bearer ${good}`, `Bearer ${forged}`],
  };
  for (const [name, authorization] of Object.entries(cases)) {
    // Capitalised, the header name may carry several values (as on the wire); Node would keep only the first.
    const response = await app.inject({ url: '/api/me', headers: { Authorization: authorization } });
    t.equal(response.statusCode, 401, name);
    t.equal(response.headers['www-authenticate'], 'Bearer realm="todo-api", error="invalid_token"', name);
  }
  t.ok(lines.some((line) => line['reason'] === 'several authorization headers'));
});

t.test('a token in the query string is not looked at', async (t) => {
  const { app } = await appWith(t);
  const response = await app.inject({ url: `/api/me?access_token=${good}&token=${good}` });
  t.equal(response.statusCode, 401);
});

t.test('a key source that fails is a 401, never a 500', async (t) => {
  const { app, lines } = await appWith(t, {
    jwks: {
      keyFor: async () => {
        throw new Error('key store exploded');
      },
      keySetGeneration: () => null,
    },
  });
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'k1' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ sub: 'user-1', exp: 4_000_000_000 })).toString('base64url');
  const token = `${header}.${payload}.${Buffer.from('signature').toString('base64url')}`;
  const response = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  t.equal(response.statusCode, 401);
  t.ok(lines.some((line) => String(line['reason']).includes('key store exploded')));
});
