import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';
import { testApp } from './support/test-app.js';

t.test('without BETTER_AUTH_URL or JWKS_URL there is no JWKS and no iss/aud check', async (t) => {
  const config = loadConfig({});
  t.equal(config.jwks, null);
  t.equal(config.jwtIssuer, null);
  t.equal(config.jwtAudience, null);
});

t.test('BETTER_AUTH_URL gives the JWKS under /api/auth and its origin as iss and aud', async (t) => {
  for (const url of ['https://app.example.com', 'https://app.example.com/']) {
    const config = loadConfig({ BETTER_AUTH_URL: url });
    t.equal(config.jwks?.url, 'https://app.example.com/api/auth/jwks', url);
    t.equal(config.jwtIssuer, 'https://app.example.com');
    t.equal(config.jwtAudience, 'https://app.example.com');
  }
});

t.test('a BETTER_AUTH_URL with a path is the auth base itself, as Better Auth reads it', async (t) => {
  const config = loadConfig({ BETTER_AUTH_URL: 'https://example.com:8443/auth/' });
  t.equal(config.jwks?.url, 'https://example.com:8443/auth/jwks');
  t.equal(config.jwtIssuer, 'https://example.com:8443');
});

t.test('JWKS_URL, JWT_ISSUER and JWT_AUDIENCE override what BETTER_AUTH_URL implies', async (t) => {
  const config = loadConfig({
    BETTER_AUTH_URL: 'https://app.example.com',
    JWKS_URL: 'http://auth.internal:3000/api/auth/jwks',
    JWT_ISSUER: 'https://issuer.example.com',
    JWT_AUDIENCE: 'todo-api',
  });
  t.equal(config.jwks?.url, 'http://auth.internal:3000/api/auth/jwks');
  t.equal(config.jwtIssuer, 'https://issuer.example.com');
  t.equal(config.jwtAudience, 'todo-api');
  t.equal(loadConfig({ JWKS_URL: 'https://auth.example.com/jwks' }).jwtIssuer, null, 'JWKS_URL alone implies no issuer');
});

t.test('the JWKS cache settings have defaults and can be set', async (t) => {
  t.same(loadConfig({ BETTER_AUTH_URL: 'https://app.example.com' }).jwks, {
    url: 'https://app.example.com/api/auth/jwks',
    timeoutMs: 5000,
    cooldownMs: 30_000,
    maxAgeMs: 600_000,
  });
  const tuned = loadConfig({
    BETTER_AUTH_URL: 'https://app.example.com',
    JWKS_TIMEOUT_MS: '2000',
    JWKS_REFETCH_COOLDOWN_SECONDS: '0.25',
    JWKS_CACHE_MAX_AGE_SECONDS: '120',
  }).jwks;
  t.match(tuned, { timeoutMs: 2000, cooldownMs: 250, maxAgeMs: 120_000 });
  t.ok(Object.isFrozen(tuned));
});

t.test('bad auth settings stop start-up with a message naming them', async (t) => {
  const cases: Record<string, [Record<string, string>, RegExp]> = {
    'not a URL': [{ BETTER_AUTH_URL: 'app.example.com' }, /BETTER_AUTH_URL: "app.example.com" is not a URL/],
    'not http(s)': [{ BETTER_AUTH_URL: 'ftp://app.example.com' }, /BETTER_AUTH_URL.*must be an http\(s\) URL/],
    credentials: [{ JWKS_URL: 'https://user:pass@auth.example.com/jwks' }, /JWKS_URL must not contain credentials/],
    query: [{ BETTER_AUTH_URL: 'https://app.example.com/?x=1' }, /BETTER_AUTH_URL.*query or fragment/],
    'timeout too small': [{ JWKS_TIMEOUT_MS: '10' }, /JWKS_TIMEOUT_MS/],
    'cooldown not a number': [{ JWKS_REFETCH_COOLDOWN_SECONDS: 'soon' }, /JWKS_REFETCH_COOLDOWN_SECONDS/],
    'max age negative': [{ JWKS_CACHE_MAX_AGE_SECONDS: '-1' }, /JWKS_CACHE_MAX_AGE_SECONDS/],
  };
  for (const [name, [env, message]] of Object.entries(cases)) {
    t.throws(() => loadConfig(env), new ConfigError('x').constructor, name);
    t.throws(() => loadConfig(env), { message }, `${name}: ${message}`);
  }
});

t.test('in production a JWKS alone is enough, and its cooldown must be at least a second', async (t) => {
  const config = loadConfig({ NODE_ENV: 'production', BETTER_AUTH_URL: 'https://app.example.com' });
  t.equal(config.authSecret, null, 'no secret: HMAC tokens are refused');
  t.ok(config.jwks);
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), { message: /BETTER_AUTH_SECRET is required.*unless BETTER_AUTH_URL or JWKS_URL/ });
  t.throws(
    () => loadConfig({ NODE_ENV: 'production', BETTER_AUTH_URL: 'https://app.example.com', JWKS_REFETCH_COOLDOWN_SECONDS: '0' }),
    { message: /JWKS_REFETCH_COOLDOWN_SECONDS must be at least 1/ },
  );
});

t.test('with only a JWKS configured, no development secret is made', async (t) => {
  const dataDir = t.testdir();
  await testApp(t, { env: { BETTER_AUTH_SECRET: '', BETTER_AUTH_URL: 'http://127.0.0.1:9', DATA_DIR: dataDir } });
  t.notOk(existsSync(join(dataDir, 'dev-auth-secret')));
  await testApp(t, { env: { BETTER_AUTH_SECRET: '', DATA_DIR: dataDir } });
  t.ok(existsSync(join(dataDir, 'dev-auth-secret')), 'with no key source at all, one is made (for `pnpm token`)');
});
