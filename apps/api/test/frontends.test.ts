import { fieldLabel, InMemoryTaskRepository, type HttpApp } from '@todo/adapters';
import { RepositoryUnavailableError } from '@todo/application';
import t, { type Test } from 'tap';
import { bearer, testApp } from './support/test-app.js';

/**
 * What real frontends do (issue 8): fetch with `credentials: 'include'`, show `error.detail`, send `{}` to
 * /complete, send partial PUTs; and read `Location`, 204s and error bodies across origins.
 */

const FRONTEND = 'http://localhost:3000';
const FOREIGN = 'https://evil.example';
const CORS_ORIGINS = `${FRONTEND},https://app.example.com`;

interface TaskBody {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: string;
  tags: string[];
  due_date: string | null;
  completed_at: string | null;
  updated_at: string;
}
interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

let users = 0;
const freshUser = () => `frontend-${++users}`;

/** Both mounts: the one frontends use today and the compat one of the FastAPI era. */
const MOUNTS = [
  ['/api/tasks', (_user: string) => '/api/tasks'],
  ['/api/{user_id}/tasks', (user: string) => `/api/${encodeURIComponent(user)}/tasks`],
] as const;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

function client(app: HttpApp, user: string) {
  return (method: Method, url: string, payload?: object | string, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { ...bearer(user), ...headers }, ...(payload === undefined ? {} : { payload }) });
}

const corsHeaderNames = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

/** The rule of every 422: `detail` is each invalid field and what is wrong with it, in the order of `errors`. */
function readable422(t: Test, response: { statusCode: number; json: <T>() => T }, expectedDetail: string, label: string) {
  t.equal(response.statusCode, 422, `${label}: 422`);
  const body = response.json<ProblemBody>();
  t.equal(body.detail, expectedDetail, `${label}: detail`);
  t.ok(body.errors && body.errors.length > 0, `${label}: errors kept for code`);
  t.equal(body.detail, body.errors?.map((error) => `${fieldLabel(error.field)}: ${error.message}`).join('; '), `${label}: detail lists errors`);
}

for (const [mount, base] of MOUNTS) {
  t.test(`on ${mount}`, async (t) => {
    const app = await testApp(t, { env: { CORS_ORIGINS } });

    t.test('CORS with credentials: a listed origin is allowed with Access-Control-Allow-Credentials; others get nothing', async (t) => {
      const user = freshUser();
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: `${base(user)}/1`,
        headers: { origin: FRONTEND, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
      });
      t.equal(preflight.statusCode, 204);
      t.equal(preflight.headers['access-control-allow-origin'], FRONTEND, 'the origin itself, never *');
      t.equal(preflight.headers['access-control-allow-credentials'], 'true');
      t.match(preflight.headers.vary, /Origin/);

      const actual = await client(app, user)('GET', base(user), undefined, { origin: FRONTEND });
      t.equal(actual.statusCode, 200);
      t.equal(actual.headers['access-control-allow-origin'], FRONTEND);
      t.equal(actual.headers['access-control-allow-credentials'], 'true');

      const foreignPreflight = await app.inject({
        method: 'OPTIONS',
        url: `${base(user)}/1`,
        headers: { origin: FOREIGN, 'access-control-request-method': 'PUT' },
      });
      t.same(corsHeaderNames(foreignPreflight.headers), [], 'a foreign preflight: no CORS header');
      const foreign = await client(app, user)('GET', base(user), undefined, { origin: FOREIGN });
      t.same(corsHeaderNames(foreign.headers), [], 'a foreign request: no CORS header');
    });

    t.test('every 422 has a detail a person can read, naming each field and what is wrong', async (t) => {
      const user = freshUser();
      const send = client(app, user);
      readable422(t, await send('POST', base(user), { title: '' }), 'title: must not be empty', 'an empty title');
      readable422(
        t,
        await send('POST', base(user), { title: 5, priority: 'urgent' }),
        'title: must be string; priority: must be one of: low, medium, high',
        'two schema faults',
      );
      readable422(
        t,
        await send('POST', base(user), { title: ' ', tags: ['ok', ''] }),
        'title: must not be empty; tags.1: must not be empty',
        'two domain faults',
      );
      readable422(t, await send('POST', base(user), { title: 'ok', descripton: 'typo' }), 'descripton: is not a known field', 'a typo');
      readable422(
        t,
        await send('POST', base(user), '{"title":"ok","my field\\u0000":1}', { 'content-type': 'application/json' }),
        '"my field\\u0000": is not a known field',
        'an unknown field with odd characters is quoted and spelt out',
      );
      readable422(t, await send('POST', base(user), '{"title":"ok","":1}', { 'content-type': 'application/json' }), '"": is not a known field', 'a member named ""');
      readable422(t, await send('POST', base(user), '{"title": ', { 'content-type': 'application/json' }), 'body: is not valid JSON', 'malformed JSON');
      readable422(t, await send('GET', `${base(user)}?status=done`), 'status: must be one of: all, pending, completed', 'a query parameter');
      readable422(t, await send('GET', `${base(user)}?cursor=nope`), 'cursor: is not a cursor this service issued', 'a cursor');
      readable422(t, await send('GET', `${base(user)}/abc`), 'id: must be integer', 'a task id');
      const { id } = (await send('POST', base(user), { title: 'Pay rent' })).json<TaskBody>();
      readable422(
        t,
        await send('PATCH', `${base(user)}/${id}`, { title: 'x' }, { 'if-match': 'three' }),
        'if-match: must be entity tags as this service sends them in ETag (like "3"), comma-separated, or *',
        'a header',
      );
      await send('POST', base(user), { title: 'Once' }, { 'idempotency-key': 'key-1' });
      const reused = await send('POST', base(user), { title: 'Twice' }, { 'idempotency-key': 'key-1' });
      readable422(t, reused, 'idempotency-key: was already used with a different request body', 'an idempotency key reused');
      t.equal(reused.json<ProblemBody>().type, 'urn:todo-api:problem:idempotency-key-reused', 'its own type');
    });

    t.test('PATCH /complete with {} flips completed, like no body', async (t) => {
      const user = freshUser();
      const send = client(app, user);
      const { id } = (await send('POST', base(user), { title: 'Pay rent' })).json<TaskBody>();
      const first = await send('PATCH', `${base(user)}/${id}/complete`, {});
      t.equal(first.statusCode, 200);
      t.match(first.json<TaskBody>(), { completed: true, completed_at: /^\d{4}-/ });
      t.equal(first.headers.etag, '"2"');
      const second = await send('PATCH', `${base(user)}/${id}/complete`, {});
      t.match(second.json<TaskBody>(), { completed: false, completed_at: null });
      t.equal(second.headers.etag, '"3"');
      const refused = await send('PATCH', `${base(user)}/${id}/complete`, { completed: 'yes' });
      t.equal(refused.statusCode, 422, 'a wrong type is still refused');
    });

    t.test('a partial PUT changes the fields it names and never resets the others', async (t) => {
      const user = freshUser();
      const send = client(app, user);
      const task = (
        await send('POST', base(user), {
          title: 'Pay rent',
          description: 'Before the 5th',
          priority: 'high',
          tags: ['home'],
          due_date: '2026-12-01T09:00:00Z',
        })
      ).json<TaskBody>();
      const completed = await send('PUT', `${base(user)}/${task.id}`, { completed: true });
      t.equal(completed.statusCode, 200, 'no title is needed');
      const afterCompleted = completed.json<TaskBody>();
      t.match(afterCompleted, {
        title: 'Pay rent',
        description: 'Before the 5th',
        completed: true,
        priority: 'high',
        tags: ['home'],
        due_date: '2026-12-01T09:00:00.000Z',
      });
      const empty = await send('PUT', `${base(user)}/${task.id}`, {});
      t.equal(empty.statusCode, 200);
      t.same({ ...empty.json<TaskBody>(), updated_at: '' }, { ...afterCompleted, updated_at: '' }, 'an empty PUT changes no value');
      t.equal(empty.headers.etag, '"3"', 'but is a write');
      const cleared = await send('PUT', `${base(user)}/${task.id}`, { description: null, priority: 'low' });
      t.match(cleared.json<TaskBody>(), { title: 'Pay rent', description: null, priority: 'low', tags: ['home'], completed: true });
      const nullTitle = await send('PUT', `${base(user)}/${task.id}`, { title: null });
      t.equal(nullTitle.statusCode, 422, 'a title cannot be erased');
      t.equal(nullTitle.json<ProblemBody>().detail, 'title: must be string');
    });

    t.test('DELETE answers 204 with no body at all', async (t) => {
      const user = freshUser();
      const send = client(app, user);
      const { id } = (await send('POST', base(user), { title: 'Pay rent' })).json<TaskBody>();
      const deleted = await send('DELETE', `${base(user)}/${id}`, '', { 'content-type': 'application/json', origin: FRONTEND });
      t.equal(deleted.statusCode, 204);
      t.equal(deleted.body, '');
      t.equal(deleted.headers['content-type'], undefined, 'no content type either');
      t.equal(deleted.headers['access-control-allow-origin'], FRONTEND);
    });
  });
}

/** Starts the app on a free port of the loopback interface and answers its base URL. */
async function listening(app: HttpApp): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

t.test('over a real socket: the browser CORS exchange, with credentials', async (t) => {
  const app = await testApp(t, { env: { CORS_ORIGINS } });
  const api = await listening(app);
  const user = freshUser();
  const auth = bearer(user);

  for (const path of ['/api/tasks', `/api/${user}/tasks`]) {
    t.test(`preflight and actual requests on ${path}`, async (t) => {
      const preflight = await fetch(`${api}${path}/1`, {
        method: 'OPTIONS',
        headers: {
          origin: FRONTEND,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization,content-type,if-match',
        },
      });
      t.equal(preflight.status, 204, 'preflight needs no token');
      t.equal(preflight.headers.get('access-control-allow-origin'), FRONTEND);
      t.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        t.match(preflight.headers.get('access-control-allow-methods'), method, `allows ${method}`);
      }
      for (const header of ['authorization', 'content-type', 'if-match']) {
        t.match(preflight.headers.get('access-control-allow-headers')?.toLowerCase(), header, `allows ${header}`);
      }

      const created = await fetch(`${api}${path}`, {
        method: 'POST',
        headers: { ...auth, origin: FRONTEND, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Over the wire' }),
      });
      t.equal(created.status, 201);
      t.equal(created.headers.get('access-control-allow-origin'), FRONTEND);
      t.equal(created.headers.get('access-control-allow-credentials'), 'true');
      const exposed = created.headers.get('access-control-expose-headers') ?? '';
      for (const header of ['Location', 'ETag', 'Link']) t.match(exposed, header, `${header} is readable by scripts`);
      t.match(created.headers.get('location'), new RegExp(`^${path.replace(/[/{}]/g, '\\$&')}/\\d+$`));

      const foreignPreflight = await fetch(`${api}${path}/1`, {
        method: 'OPTIONS',
        headers: { origin: FOREIGN, 'access-control-request-method': 'PATCH' },
      });
      t.same([...foreignPreflight.headers.keys()].filter((name) => name.startsWith('access-control-')), [], 'a foreign preflight: no CORS header');
      await foreignPreflight.arrayBuffer();
      const foreign = await fetch(`${api}${path}`, { headers: { ...auth, origin: FOREIGN } });
      t.same([...foreign.headers.keys()].filter((name) => name.startsWith('access-control-')), [], 'a foreign request: no CORS header');
      await foreign.arrayBuffer();
    });
  }
});

/** The stats route is down (503) and clearing completed tasks breaks (500); everything else works. */
class PartlyBrokenRepository extends InMemoryTaskRepository {
  override countOwned(): never {
    throw new RepositoryUnavailableError();
  }

  override deleteCompletedOwned(): never {
    throw new Error('relation "tasks" does not exist');
  }
}

t.test('over a real socket: every error status has a problem body a listed origin can read', async (t) => {
  const app = await testApp(t, {
    env: { CORS_ORIGINS, RATE_LIMIT_MAX: '3' },
    overrides: { tasks: new PartlyBrokenRepository() },
  });
  const api = await listening(app);
  const owner = freshUser();
  const created = await fetch(`${api}/api/tasks`, {
    method: 'POST',
    headers: { ...bearer(owner), 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Pay rent' }),
  });
  const { id } = (await created.json()) as TaskBody;

  const json = { 'content-type': 'application/json' };
  const requests: [number, string, RequestInit & { user?: string | null }][] = [
    [401, '/api/tasks', { user: null }],
    [403, `/api/${owner}/tasks`, { user: 'somebody-else' }],
    [404, `/api/tasks/${id}`, { user: 'somebody-else' }],
    [404, '/api/nothing/here/at/all', {}],
    [412, `/api/tasks/${id}`, { user: owner, method: 'PATCH', headers: { ...json, 'if-match': '"99"' }, body: '{"title":"x"}' }],
    [413, '/api/tasks', { method: 'POST', headers: json, body: JSON.stringify({ title: 'x', description: 'x'.repeat(70_000) }) }],
    [415, '/api/tasks', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Pay rent' }],
    [422, '/api/tasks', { method: 'POST', headers: json, body: '{"title":""}' }],
    [500, '/api/tasks?status=completed', { method: 'DELETE' }],
    [503, '/api/tasks/stats', {}],
  ];
  for (const [status, path, { user, headers, ...init }] of requests) {
    const who = user === undefined ? freshUser() : user;
    const response = await fetch(`${api}${path}`, {
      ...init,
      headers: { ...(who === null ? {} : bearer(who)), origin: FRONTEND, ...(headers as Record<string, string>) },
    });
    const label = `${init.method ?? 'GET'} ${path}`;
    t.equal(response.status, status, `${label}: ${status}`);
    t.match(response.headers.get('content-type'), /^application\/problem\+json/, `${label}: problem+json`);
    t.equal(response.headers.get('access-control-allow-origin'), FRONTEND, `${label}: readable by the frontend`);
    t.equal(response.headers.get('access-control-allow-credentials'), 'true', `${label}: also with credentials`);
    const body = (await response.json()) as ProblemBody;
    t.match(body, { status, type: /^urn:todo-api:problem:/, title: String, detail: String }, `${label}: a problem body`);
  }

  const greedy = freshUser();
  let limited: Response | undefined;
  for (let request = 0; request < 4; request++) {
    limited = await fetch(`${api}/api/tasks`, { headers: { ...bearer(greedy), origin: FRONTEND } });
    if (request < 3) await limited.arrayBuffer();
  }
  t.equal(limited?.status, 429);
  t.equal(limited?.headers.get('access-control-allow-origin'), FRONTEND, '429: readable by the frontend');
  t.match(limited?.headers.get('access-control-expose-headers'), 'Retry-After', 'Retry-After is readable by scripts');
  t.match(await limited?.json(), { status: 429, detail: String });

  // Refused before routing, so without CORS headers, but still problem+json.
  for (const [status, path] of [
    [400, '/api/%ED%A0%80/tasks'],
    [414, `/api/${'x'.repeat(1100)}/tasks`],
  ] as const) {
    const response = await fetch(`${api}${path}`, { headers: { ...bearer(owner), origin: FRONTEND } });
    t.equal(response.status, status, `${path.slice(0, 20)}…: ${status}`);
    t.match(response.headers.get('content-type'), /^application\/problem\+json/);
    t.match(await response.json(), { status, detail: String });
  }
});
