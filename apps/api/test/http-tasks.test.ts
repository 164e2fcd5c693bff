import t from 'tap';
import { bearer, testApp } from './support/test-app.js';

type TaskBody = { id: number; user_id: string; title: string; description: string | null; completed: boolean; created_at: string; updated_at: string };

t.test('creating a task', async (t) => {
  const app = await testApp(t);
  const headers = bearer('alice');

  t.test('answers 201 with the task, its Location and ETag; the title is trimmed and the owner is the token', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/api/tasks', headers, payload: { title: '  Pay rent  ' } });
    t.equal(response.statusCode, 201);
    const task = response.json<TaskBody>();
    t.match(task, { title: 'Pay rent', description: null, completed: false, user_id: 'alice' });
    t.equal(response.headers.location, `/api/tasks/${task.id}`);
    t.equal(response.headers.etag, '"1"');
    t.match(task.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO 8601 UTC with milliseconds');
    t.equal(task.updated_at, task.created_at);
  });

  t.test('through the compat mount, Location stays on that mount', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/api/alice/tasks/', headers, payload: { title: 'Compat' } });
    t.equal(response.statusCode, 201);
    t.equal(response.headers.location, `/api/alice/tasks/${response.json<TaskBody>().id}`);
  });

  const refusals: [string, unknown, string][] = [
    ['a missing title', { description: 'x' }, 'title'],
    ['an empty title', { title: '' }, 'title'],
    ['a whitespace-only title', { title: ' \t\n ' }, 'title'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
    ['a number as title (never coerced)', { title: 123 }, 'title'],
    ['a 1001-character description', { title: 'ok', description: 'd'.repeat(1001) }, 'description'],
    ['a description that is a number', { title: 'ok', description: 5 }, 'description'],
    ['completed as a string', { title: 'ok', completed: 'true' }, 'completed'],
    ['an unknown field (a typo is not dropped)', { title: 'ok', descripton: 'typo' }, 'descripton'],
    ['a user_id in the body', { title: 'ok', user_id: 'bob' }, 'user_id'],
    ['an id in the body', { title: 'ok', id: 7 }, 'id'],
    ['created_at in the body', { title: 'ok', created_at: '2026-01-01T00:00:00.000Z' }, 'created_at'],
    ['an array body', [{ title: 'ok' }], 'body'],
  ];
  for (const [label, payload, field] of refusals) {
    t.test(`refuses ${label} with 422 naming ${field}, storing nothing`, async (t) => {
      const response = await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer('refused'), payload: payload as object });
      t.equal(response.statusCode, 422);
      t.ok(response.json<{ errors: { field: string }[] }>().errors.some((error) => error.field === field), `names ${field}`);
      const list = await app.inject({ method: 'GET', url: '/api/tasks', headers: bearer('refused') });
      t.same(list.json(), [], 'nothing stored');
    });
  }

  t.test('accepts 200 characters after trimming, counting an emoji as one', async (t) => {
    const title = `${'😀'.repeat(200)}`;
    const response = await app.inject({ method: 'POST', url: '/api/tasks', headers, payload: { title: `  ${title} ` } });
    t.equal(response.statusCode, 201);
    t.equal(response.json<TaskBody>().title, title);
  });

  t.test('reports every invalid field at once', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers,
      payload: { title: 5, description: 6, extra: true },
    });
    t.same(response.json<{ errors: { field: string }[] }>().errors.map((error) => error.field).sort(), ['description', 'extra', 'title']);
  });

  t.test('malformed JSON is 422 on the body; another media type is 415; a body over 64 KiB is 413', async (t) => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    t.equal(malformed.statusCode, 422);
    t.equal(malformed.json().errors[0].field, 'body');
    const text = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: 'Pay rent',
    });
    t.equal(text.statusCode, 415);
    t.match(text.headers['content-type'], /application\/problem\+json/);
    const huge = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ title: 'ok', description: 'x'.repeat(70 * 1024) }),
    });
    t.equal(huge.statusCode, 413);
    t.match(huge.headers['content-type'], /application\/problem\+json/);
  });

  t.test('a prototype-poisoning body is refused', async (t) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"title": "x", "__proto__": {"admin": true}}',
    });
    t.equal(response.statusCode, 422);
  });
});

t.test('reading and changing a task', async (t) => {
  const app = await testApp(t);
  const headers = bearer('carol');
  const created = await app.inject({
    method: 'POST',
    url: '/api/tasks',
    headers,
    payload: { title: 'Write report', description: 'Q3 numbers' },
  });
  const { id } = created.json<TaskBody>();

  t.test('GET answers the task with its ETag, on both mounts and with a trailing slash', async (t) => {
    for (const url of [`/api/tasks/${id}`, `/api/tasks/${id}/`, `/api/carol/tasks/${id}`]) {
      const response = await app.inject({ method: 'GET', url, headers });
      t.equal(response.statusCode, 200, url);
      t.equal(response.json<TaskBody>().title, 'Write report', url);
      t.ok(response.headers.etag, `${url} has an ETag`);
      t.equal(response.headers['cache-control'], 'private, no-cache', `${url}: never kept by shared caches`);
    }
  });

  t.test('PUT requires the title and keeps the fields it does not name', async (t) => {
    const response = await app.inject({ method: 'PUT', url: `/api/tasks/${id}`, headers, payload: { title: 'Write the report' } });
    t.equal(response.statusCode, 200);
    t.match(response.json<TaskBody>(), { title: 'Write the report', description: 'Q3 numbers', completed: false });
  });

  t.test('PATCH changes only the fields given; null clears the description; the ETag changes', async (t) => {
    const before = await app.inject({ method: 'GET', url: `/api/tasks/${id}`, headers });
    const response = await app.inject({ method: 'PATCH', url: `/api/tasks/${id}`, headers, payload: { description: null } });
    t.equal(response.statusCode, 200);
    t.match(response.json<TaskBody>(), { title: 'Write the report', description: null });
    t.not(response.headers.etag, before.headers.etag);
    t.ok(response.json<TaskBody>().updated_at >= before.json<TaskBody>().updated_at, 'updated_at moves forward');
  });

  t.test('an empty PATCH body changes nothing but still counts as a write', async (t) => {
    const response = await app.inject({ method: 'PATCH', url: `/api/tasks/${id}`, headers, payload: {} });
    t.equal(response.statusCode, 200);
    t.equal(response.json<TaskBody>().title, 'Write the report');
  });

  t.test('/complete with no body, or an empty JSON body, flips completed; a body sets it', async (t) => {
    const flip = await app.inject({ method: 'PATCH', url: `/api/tasks/${id}/complete`, headers });
    t.equal(flip.json<TaskBody>().completed, true);
    const emptyJson = await app.inject({
      method: 'PATCH',
      url: `/api/tasks/${id}/complete`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '',
    });
    t.equal(emptyJson.statusCode, 200);
    t.equal(emptyJson.json<TaskBody>().completed, false);
    for (const completed of [true, true, false]) {
      const set = await app.inject({ method: 'PATCH', url: `/api/tasks/${id}/complete`, headers, payload: { completed } });
      t.equal(set.json<TaskBody>().completed, completed, `set to ${completed}`);
    }
  });

  t.test('DELETE with an empty JSON body answers 204, then the task is gone (404)', async (t) => {
    const response = await app.inject({
      method: 'DELETE',
      url: `/api/tasks/${id}`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '',
    });
    t.equal(response.statusCode, 204);
    t.equal(response.body, '');
    t.equal((await app.inject({ method: 'GET', url: `/api/tasks/${id}`, headers })).statusCode, 404);
    t.equal((await app.inject({ method: 'DELETE', url: `/api/tasks/${id}`, headers })).statusCode, 404);
  });
});

t.test('listing tasks', async (t) => {
  const app = await testApp(t);
  const headers = bearer('dave');
  const titles = ['banana', 'Apple', 'cherry', 'date', 'elderberry'];
  for (const title of titles) {
    await app.inject({ method: 'POST', url: '/api/tasks', headers, payload: { title, completed: title === 'cherry' } });
  }
  await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer('erin'), payload: { title: 'not dave' } });
  const list = async (query: string) => app.inject({ method: 'GET', url: `/api/tasks${query}`, headers });

  t.test('defaults: all of the caller\'s tasks, newest first, a plain array', async (t) => {
    const response = await list('');
    t.equal(response.statusCode, 200);
    t.same(response.json<TaskBody[]>().map((task) => task.title), [...titles].reverse());
    t.notOk(response.headers.link, 'no Link when everything fits');
  });

  t.test('status, sort and order', async (t) => {
    t.same((await list('?status=completed')).json<TaskBody[]>().map((task) => task.title), ['cherry']);
    t.equal((await list('?status=pending')).json<TaskBody[]>().length, 4);
    t.same((await list('?sort=title&order=asc')).json<TaskBody[]>().map((task) => task.title), [
      'Apple',
      'banana',
      'cherry',
      'date',
      'elderberry',
    ]);
  });

  t.test('Link rel="next" walks every task exactly once, keeping the query', async (t) => {
    const seen: string[] = [];
    let url: string | undefined = '/api/tasks?sort=title&order=desc&limit=2';
    let pages = 0;
    while (url) {
      const response = await app.inject({ method: 'GET', url, headers });
      t.equal(response.statusCode, 200);
      seen.push(...response.json<TaskBody[]>().map((task) => task.title));
      const link = response.headers.link as string | undefined;
      url = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (url) t.match(url, /sort=title&order=desc&limit=2&cursor=/);
      pages++;
    }
    t.equal(pages, 3);
    t.same(seen, ['elderberry', 'date', 'cherry', 'banana', 'Apple']);
  });

  const invalid: [string, string][] = [
    ['?status=done', 'status'],
    ['?sort=size', 'sort'],
    ['?order=up', 'order'],
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=ten', 'limit'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?colour=red', 'colour'],
  ];
  for (const [query, field] of invalid) {
    t.test(`${query} is 422 naming ${field}`, async (t) => {
      const response = await list(query);
      t.equal(response.statusCode, 422);
      t.ok(response.json<{ errors: { field: string }[] }>().errors.some((error) => error.field === field));
    });
  }

  t.test('a cursor is refused for another sort than it was issued for', async (t) => {
    const first = await list('?limit=1');
    const cursor = /cursor=([^&>]+)/.exec(String(first.headers.link))?.[1];
    t.ok(cursor, 'a cursor was issued');
    const response = await list(`?limit=1&sort=title&cursor=${cursor}`);
    t.equal(response.statusCode, 422);
    t.equal(response.json().errors[0].field, 'cursor');
  });
});
