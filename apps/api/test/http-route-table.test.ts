import { mintDevelopmentToken, type HttpApp } from '@todo/adapters';
import t, { type Test } from 'tap';
import { skipWithoutPostgres } from '../../../packages/adapters/test/support/databases.js';
import { bearer, testApp, tokenFor, type Store } from './support/test-app.js';

/**
 * Every /api route, read from the served OpenAPI document, must have an entry here: a route added later
 * fails this suite until it is covered for success, 401, 404 on another user's task, 422 and the compat 403.
 */
interface RouteCase {
  /**
   * What the owner sends to succeed, and the status that proves it. `stream`: the answer is an event stream, which
   * ends only when the token expires: the owner's token then lasts a second.
   */
  readonly ok: { readonly body?: unknown; readonly query?: string; readonly status: number; readonly stream?: boolean };
  /** A request part that must be refused with 422 naming `field`. */
  readonly invalid: { readonly body?: unknown; readonly query?: string; readonly field: string };
}

const CASES: Record<string, RouteCase> = {
  'GET /tasks': { ok: { status: 200 }, invalid: { query: 'status=done', field: 'status' } },
  'POST /tasks': { ok: { body: { title: 'New' }, status: 201 }, invalid: { body: { title: '   ' }, field: 'title' } },
  'GET /tasks/{id}': { ok: { status: 200 }, invalid: { query: '', field: 'id' } },
  'PUT /tasks/{id}': {
    ok: { body: { title: 'Renamed' }, status: 200 },
    invalid: { body: { title: '   ' }, field: 'title' },
  },
  'PATCH /tasks/{id}': { ok: { body: { completed: true }, status: 200 }, invalid: { body: { title: 5 }, field: 'title' } },
  'DELETE /tasks/{id}': { ok: { status: 204 }, invalid: { query: '', field: 'id' } },
  'DELETE /tasks': { ok: { query: 'status=completed', status: 200 }, invalid: { query: 'status=all', field: 'status' } },
  'GET /tasks/stats': { ok: { status: 200 }, invalid: { query: 'status=all', field: 'status' } },
  'PATCH /tasks/complete': {
    ok: { body: { ids: [1], completed: true }, status: 200 },
    invalid: { body: { ids: [], completed: true }, field: 'ids' },
  },
  'PATCH /tasks/{id}/complete': {
    ok: { status: 200 },
    invalid: { body: { completed: 'yes' }, field: 'completed' },
  },
  'GET /tasks/changes': { ok: { status: 200 }, invalid: { query: 'limit=0', field: 'limit' } },
  'GET /tasks/events': { ok: { status: 200, stream: true }, invalid: { query: 'limit=5', field: 'limit' } },
};

interface ApiRoute {
  readonly method: string;
  /** The OpenAPI path, e.g. /api/{user_id}/tasks/{id}. */
  readonly path: string;
  /** The same route with its mount removed, the key into CASES. */
  readonly key: string;
  readonly compat: boolean;
}

function apiRoutes(app: HttpApp): ApiRoute[] {
  const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => {
        const compat = path.startsWith('/api/{user_id}/');
        const key = `${method.toUpperCase()} ${path.replace(/^\/api(\/\{user_id\})?/, '')}`;
        return { method: method.toUpperCase(), path, key, compat };
      }),
    );
}

const hasTaskId = (route: ApiRoute) => route.path.includes('{id}');

function urlFor(route: ApiRoute, { user, id, query = '' }: { user: string; id: number | string; query?: string }): string {
  const path = route.path.replace('{user_id}', encodeURIComponent(user)).replace('{id}', String(id));
  return query ? `${path}?${query}` : path;
}

async function createTask(app: HttpApp, user: string, title = 'Pay rent'): Promise<{ id: number; version: string }> {
  const response = await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer(user), payload: { title } });
  return { id: response.json<{ id: number }>().id, version: String(response.headers.etag) };
}

function routeTableSuite(store: Store) {
  return async (t: Test) => {
    const app = await testApp(t, { store });
    const routes = apiRoutes(app);

    t.ok(routes.length >= 14, `both mounts are served (${routes.length} routes)`);
    for (const route of routes) {
      t.ok(CASES[route.key], `${route.method} ${route.path} has a test case`);
    }

    for (const route of routes) {
      const routeCase = CASES[route.key];
      if (!routeCase) continue;
      t.test(`${route.method} ${route.path}`, async (t) => {
        const owner = `owner-${route.method}-${route.path}`;
        const intruder = `intruder-${route.method}-${route.path}`;

        t.test('succeeds for the owner', async (t) => {
          const task = await createTask(app, owner);
          const headers = routeCase.ok.stream ? { authorization: `Bearer ${tokenFor(owner, 1)}` } : bearer(owner);
          const response = await app.inject({
            method: route.method as 'GET',
            url: urlFor(route, { user: owner, id: task.id, query: routeCase.ok.query ?? '' }),
            headers,
            ...(routeCase.ok.body === undefined ? {} : { payload: routeCase.ok.body as object }),
          });
          t.equal(response.statusCode, routeCase.ok.status, `answers ${routeCase.ok.status}`);
          if (routeCase.ok.stream) t.match(response.headers['content-type'], /^text\/event-stream/, 'as an event stream');
        });

        t.test('is 401 without a token, with a forged token and with an expired token', async (t) => {
          const task = await createTask(app, owner);
          const url = urlFor(route, { user: owner, id: task.id });
          const forged = mintDevelopmentToken({ secret: 'not-the-secret', userId: owner, expiresInSeconds: 60 });
          const expired = mintDevelopmentToken({
            secret: 'test-secret-that-is-long-enough-for-production-0123456789',
            userId: owner,
            expiresInSeconds: -3600,
          });
          for (const [label, headers] of [
            ['no token', {}],
            ['forged', { authorization: `Bearer ${forged}` }],
            ['expired', { authorization: `Bearer ${expired}` }],
          ] as const) {
            const response = await app.inject({ method: route.method as 'GET', url, headers });
            t.equal(response.statusCode, 401, label);
            const challenge = label === 'no token' ? 'Bearer realm="todo-api"' : 'Bearer realm="todo-api", error="invalid_token"';
            t.equal(response.headers['www-authenticate'], challenge, `${label}: WWW-Authenticate`);
            t.match(response.headers['content-type'], /application\/problem\+json/, `${label}: problem+json`);
          }
          const after = await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: bearer(owner) });
          t.equal(after.headers.etag, task.version, 'the task is unchanged');
        });

        if (hasTaskId(route)) {
          t.test("is 404 for another user's task, which stays unchanged", async (t) => {
            const task = await createTask(app, owner);
            const response = await app.inject({
              method: route.method as 'GET',
              url: urlFor(route, { user: intruder, id: task.id }),
              headers: bearer(intruder),
              ...(routeCase.ok.body === undefined ? {} : { payload: routeCase.ok.body as object }),
            });
            t.equal(response.statusCode, 404);
            const missing = await app.inject({
              method: route.method as 'GET',
              url: urlFor(route, { user: intruder, id: 987_654_321 }),
              headers: bearer(intruder),
              ...(routeCase.ok.body === undefined ? {} : { payload: routeCase.ok.body as object }),
            });
            t.same(response.json(), missing.json(), 'the same answer as for a task that does not exist');
            const after = await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: bearer(owner) });
            t.equal(after.headers.etag, task.version, 'unchanged');
          });

          t.test('is 422 for an id that is not a positive integer', async (t) => {
            for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
              const response = await app.inject({
                method: route.method as 'GET',
                url: urlFor(route, { user: owner, id }),
                headers: bearer(owner),
              });
              t.equal(response.statusCode, 422, `id ${id}`);
              t.equal(response.json().errors?.[0]?.field, 'id', `id ${id} names the field`);
            }
          });
        }

        if (routeCase.invalid.field !== 'id') {
          t.test(`is 422 naming ${routeCase.invalid.field} for invalid input, and stores nothing`, async (t) => {
            const task = await createTask(app, owner);
            const before = await app.inject({ method: 'GET', url: '/api/tasks?limit=200', headers: bearer(owner) });
            const response = await app.inject({
              method: route.method as 'GET',
              url: urlFor(route, { user: owner, id: task.id, query: routeCase.invalid.query ?? '' }),
              headers: bearer(owner),
              ...(routeCase.invalid.body === undefined ? {} : { payload: routeCase.invalid.body as object }),
            });
            t.equal(response.statusCode, 422, 'refused with 422');
            t.match(response.headers['content-type'], /application\/problem\+json/);
            t.ok(
              response.json<{ errors: { field: string }[] }>().errors.some((error) => error.field === routeCase.invalid.field),
              `names ${routeCase.invalid.field}`,
            );
            const after = await app.inject({ method: 'GET', url: '/api/tasks?limit=200', headers: bearer(owner) });
            t.same(after.json(), before.json(), 'nothing changed');
          });
        }

        if (route.compat) {
          t.test("is 403 when the path names another user than the token's", async (t) => {
            const task = await createTask(app, owner);
            const response = await app.inject({
              method: route.method as 'GET',
              url: urlFor(route, { user: owner, id: task.id }),
              headers: bearer(intruder),
              ...(routeCase.ok.body === undefined ? {} : { payload: routeCase.ok.body as object }),
            });
            t.equal(response.statusCode, 403);
            t.match(response.headers['content-type'], /application\/problem\+json/);
            const after = await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: bearer(owner) });
            t.equal(after.headers.etag, task.version, 'unchanged');
          });
        }
      });
    }
  };
}

t.test('route table on the in-memory store', routeTableSuite('memory'));
t.test('route table on PostgreSQL', { skip: skipWithoutPostgres }, routeTableSuite('postgres'));
t.test('route table on PostgreSQL through PgBouncer in transaction mode', { skip: skipWithoutPostgres }, routeTableSuite('pgbouncer'));
