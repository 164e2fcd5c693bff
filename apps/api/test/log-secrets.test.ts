import { InMemoryTaskRepository, mintDevelopmentToken } from '@todo/adapters';
import { RepositoryUnavailableError } from '@todo/application';
import t from 'tap';
import { captureLogs } from './support/logs.js';
import { closedPort } from './support/redis.js';
import { TEST_SECRET, testApp, tokenFor } from './support/test-app.js';

const METRICS_TOKEN = 'metrics-token-that-must-never-be-logged';
const DATABASE_PASSWORD = 'db-pa$$word/that:must@never';
const DATABASE_URL = `postgres://todo:${encodeURIComponent(DATABASE_PASSWORD)}@db.internal:5432/todo`;
const REDIS_PASSWORD = 'redis-password-never-logged';
const COOKIE_VALUE = 'session-cookie-value-never-logged';

t.test('no token, cookie or secret reaches any log line at trace level, errors included', async (t) => {
  const logs = captureLogs();
  const userToken = tokenFor('alice');
  const forgedToken = mintDevelopmentToken({ secret: 'another-secret-another-secret-0123456789', userId: 'mallory', expiresInSeconds: 60 });
  const tasks = new InMemoryTaskRepository();
  const listOwned = tasks.listOwned.bind(tasks);
  // The shapes database failures take: a driver error quoting the connection string, as an unexpected 500 and as a 503.
  tasks.listOwned = async (owner, query) => {
    if (query.status === 'completed') throw new Error(`could not connect to ${DATABASE_URL}: timeout`);
    if (query.status === 'pending') {
      throw new RepositoryUnavailableError({ cause: new Error(`getaddrinfo ENOTFOUND for "${DATABASE_URL}"`) });
    }
    return listOwned(owner, query);
  };
  const app = await testApp(t, {
    env: {
      LOG_LEVEL: 'trace',
      METRICS_TOKEN,
      DATABASE_URL,
      REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${await closedPort()}`,
      RATE_LIMIT_MAX: '100',
    },
    overrides: { tasks, logDestination: logs.destination },
  });

  const authorized = { authorization: `Bearer ${userToken}`, cookie: `better-auth.session_data=${COOKIE_VALUE}` };
  const requests = [
    { id: 'ok-list', url: '/api/tasks', headers: authorized, status: 200 },
    { id: 'ok-create', method: 'POST' as const, url: '/api/tasks', headers: authorized, payload: { title: 'Logged?' }, status: 201 },
    { id: 'forged-token', url: '/api/tasks', headers: { authorization: `Bearer ${forgedToken}` }, status: 401 },
    { id: 'garbage-token', url: '/api/tasks', headers: { authorization: `Bearer ${userToken}x.y` }, status: 401 },
    { id: 'token-in-query', url: `/api/tasks?access_token=${userToken}&status=all`, headers: {}, status: 401 },
    { id: 'server-error', url: '/api/tasks?status=completed', headers: authorized, status: 500 },
    { id: 'database-down', url: '/api/tasks?status=pending', headers: authorized, status: 503 },
    { id: 'metrics', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` }, status: 200 },
    { id: 'metrics-guess', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}-guess` }, status: 401 },
  ];
  for (const { id, status, ...request } of requests) {
    const response = await app.inject({ ...request, headers: { ...request.headers, 'x-request-id': id } });
    t.equal(response.statusCode, status, `${id} answered ${status}`);
  }
  await app.close();

  const lines = logs.lines();
  const entries = logs.entries();
  t.ok(entries.some((entry) => entry['level'] === 20 && entry['msg'] === 'authenticated'), 'levels below info are written too');
  t.ok(entries.some((entry) => entry['msg'] === 'unexpected error' && entry['reqId'] === 'server-error'), 'the 500 is logged with its error');
  t.ok(entries.some((entry) => entry['msg'] === 'database unavailable' && entry['reqId'] === 'database-down'), 'the 503 too');
  t.ok(entries.some((entry) => entry['msg'] === 'request not authenticated' && entry['reqId'] === 'forged-token'), 'and the 401');
  t.ok(lines.some((line) => line.includes('db.internal')), 'the connection string was in a message: only its password is gone');

  const secrets = {
    'the user token': userToken,
    "the user token's signature": userToken.split('.')[2]!,
    'the forged token': forgedToken,
    BETTER_AUTH_SECRET: TEST_SECRET,
    METRICS_TOKEN,
    'the database password': DATABASE_PASSWORD,
    'the database password, URL-encoded': encodeURIComponent(DATABASE_PASSWORD),
    'the Redis password': REDIS_PASSWORD,
    'the cookie': COOKIE_VALUE,
  };
  for (const [what, secret] of Object.entries(secrets)) {
    t.same(
      lines.filter((line) => line.includes(secret)),
      [],
      `${what} is in no line`,
    );
  }
  t.notMatch(lines.join('\n'), /authorization"\s*:\s*"Bearer|set-cookie"\s*:\s*"[^[]/i, 'no credential header is written out');
});

t.test('every line logged while serving a request carries its request id', async (t) => {
  const logs = captureLogs();
  const app = await testApp(t, { env: { LOG_LEVEL: 'trace' }, overrides: { logDestination: logs.destination } });
  await app.inject({ url: '/api/tasks', headers: { 'x-request-id': 'unauthenticated-1' } });
  await app.inject({ url: '/nope', headers: { 'x-request-id': 'not-found-2' } });
  await app.inject({ method: 'POST', url: '/api/tasks', headers: { 'x-request-id': 'created-3', authorization: `Bearer ${tokenFor('alice')}` }, payload: { title: 'x' } });
  const requestLines = logs.entries().filter((entry) => 'req' in entry || 'res' in entry || entry['msg'] === 'request not authenticated');
  t.ok(requestLines.length >= 6, 'incoming and completed lines for each request');
  t.same(
    requestLines.filter((entry) => !['unauthenticated-1', 'not-found-2', 'created-3'].includes(String(entry['reqId']))),
    [],
    'each with the request id',
  );
});
