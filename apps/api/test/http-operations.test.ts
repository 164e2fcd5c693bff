import { readFile } from 'node:fs/promises';
import { InMemoryTaskRepository, openApiYaml, type DatabaseConnection } from '@todo/adapters';
import { RepositoryUnavailableError } from '@todo/application';
import t from 'tap';
import { bearer, testApp } from './support/test-app.js';

t.test('health, readiness and documentation need no token', async (t) => {
  const app = await testApp(t, { store: 'pglite' });
  t.same((await app.inject('/healthz')).json(), { status: 'ok' });
  t.same((await app.inject('/readyz')).json(), { status: 'ready' });
  const openapi = await app.inject('/openapi.json');
  t.equal(openapi.statusCode, 200);
  t.equal(openapi.json().openapi, '3.1.0');
  const docs = await app.inject('/docs/');
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-type'], /text\/html/);
});

t.test('readyz is 503 when the database does not answer', async (t) => {
  const unreachable: DatabaseConnection = {
    db: undefined as never,
    run: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
    target: { kind: 'pglite', dataDir: null },
    ping: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
    poolStats: () => ({ total: 0, idle: 0, waiting: 0 }),
    close: async () => {},
  };
  const app = await testApp(t, { overrides: { database: unreachable, tasks: new InMemoryTaskRepository() } });
  const response = await app.inject('/readyz');
  t.equal(response.statusCode, 503);
  t.match(response.headers['content-type'], /application\/problem\+json/);
});

t.test('specs/contracts/openapi.yaml is exactly the document the server serves (regenerate: pnpm openapi)', async (t) => {
  const app = await testApp(t);
  const committed = await readFile(new URL('../../../specs/contracts/openapi.yaml', import.meta.url), 'utf8');
  t.equal(committed, openApiYaml(app));
});

t.test('unknown routes are 404 problem+json', async (t) => {
  const app = await testApp(t);
  for (const url of ['/nope', '/api/nothing/here/at/all']) {
    const response = await app.inject({ url, headers: bearer('alice') });
    t.equal(response.statusCode, 404, url);
    t.match(response.headers['content-type'], /application\/problem\+json/);
    t.type(response.json().detail, 'string');
  }
});

t.test('a store that is down is 503 with Retry-After; an unexpected error is a 500 that reveals nothing', async (t) => {
  const failing = (error: Error) => {
    const repository = new InMemoryTaskRepository();
    repository.listOwned = () => Promise.reject(error);
    return repository;
  };
  const down = await testApp(t, { overrides: { tasks: failing(new RepositoryUnavailableError()) } });
  const unavailable = await down.inject({ url: '/api/tasks', headers: bearer('alice') });
  t.equal(unavailable.statusCode, 503);
  t.equal(unavailable.headers['retry-after'], '5');
  t.match(unavailable.headers['content-type'], /application\/problem\+json/);

  const broken = await testApp(t, {
    overrides: { tasks: failing(new Error('syntax error at or near "SELECT" in tasks_user_created_idx')) },
  });
  const response = await broken.inject({ url: '/api/tasks', headers: { ...bearer('alice'), 'x-request-id': 'trace-me-42' } });
  t.equal(response.statusCode, 500);
  t.equal(response.headers['x-request-id'], 'trace-me-42');
  t.notMatch(response.body, /syntax|SELECT|tasks_user|stack|at /, 'no internals');
  t.match(response.json().detail, /trace-me-42/, 'the request id, to quote when reporting');
});

t.test('every response carries an x-request-id; a well-formed incoming one is kept, a hostile one replaced', async (t) => {
  const app = await testApp(t);
  t.match((await app.inject('/healthz')).headers['x-request-id'], /^[0-9a-f-]{36}$/);
  t.equal((await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id'], 'abc-123');
  const hostile = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\u0000<script>' } });
  t.not(hostile.headers['x-request-id'], 'a b\u0000<script>');
});

t.test('CORS: the configured origin may call every route; preflight needs no token; others get no CORS headers', async (t) => {
  const app = await testApp(t, { env: { CORS_ORIGINS: 'http://localhost:3000,https://app.example.com' } });
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/api/tasks/1',
    headers: {
      origin: 'https://app.example.com',
      'access-control-request-method': 'PATCH',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
  t.equal(preflight.statusCode, 204);
  t.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com');
  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    t.match(preflight.headers['access-control-allow-methods'], method, `allows ${method}`);
  }
  t.match(String(preflight.headers['access-control-allow-headers']).toLowerCase(), /authorization.*content-type|content-type.*authorization/);

  const actual = await app.inject({ url: '/api/tasks', headers: { ...bearer('alice'), origin: 'http://localhost:3000' } });
  t.equal(actual.headers['access-control-allow-origin'], 'http://localhost:3000');
  for (const header of ['ETag', 'Location', 'Link']) {
    t.match(actual.headers['access-control-expose-headers'], header, `exposes ${header}`);
  }

  const foreign = await app.inject({ url: '/api/tasks', headers: { ...bearer('alice'), origin: 'https://evil.example' } });
  const corsHeaders = Object.keys(foreign.headers).filter((name) => name.startsWith('access-control-'));
  t.same(corsHeaders, [], 'no CORS headers for another origin');
  const foreignPreflight = await app.inject({
    method: 'OPTIONS',
    url: '/api/tasks',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
  });
  t.equal(foreignPreflight.headers['access-control-allow-origin'], undefined);
});

t.test('rate limiting: past the per-user limit, 429 problem+json with Retry-After; other users are unaffected', async (t) => {
  const app = await testApp(t, { env: { RATE_LIMIT_MAX: '3' } });
  const statuses: number[] = [];
  for (let request = 0; request < 4; request++) {
    statuses.push((await app.inject({ url: '/api/tasks', headers: bearer('greedy') })).statusCode);
  }
  t.same(statuses, [200, 200, 200, 429]);
  const limited = await app.inject({ url: '/api/tasks', headers: bearer('greedy') });
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
  t.match(limited.headers['content-type'], /application\/problem\+json/);
  t.equal((await app.inject({ url: '/api/tasks', headers: bearer('modest') })).statusCode, 200);
});
