import type { HttpApp } from '@todo/adapters';
import t, { type Test } from 'tap';
import { skipWithoutPostgres } from '../../../packages/adapters/test/support/databases.js';
import { bearer, testApp, type Store } from './support/test-app.js';

/** Priorities, tags, due dates, completion times, search, filters, sorts, stats and bulk actions, over HTTP. */

interface TaskBody {
  id: number;
  title: string;
  description: string | null;
  completed: boolean;
  priority: 'low' | 'medium' | 'high';
  tags: string[];
  due_date: string | null;
  completed_at: string | null;
}
interface Problem {
  status: number;
  errors?: { field: string; message: string }[];
}

let users = 0;
const freshUser = () => `organiser-${++users}`;

function client(app: HttpApp, user: string) {
  const headers = bearer(user);
  return {
    create: async (payload: object) => {
      const response = await app.inject({ method: 'POST', url: '/api/tasks', headers, payload });
      if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
      return response.json<TaskBody>();
    },
    send: (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) }),
    titles: async (query: string) => {
      const response = await app.inject({ method: 'GET', url: `/api/tasks?${query}`, headers });
      if (response.statusCode !== 200) throw new Error(`list failed: ${response.statusCode} ${response.body}`);
      return response.json<TaskBody[]>().map((task) => task.title);
    },
  };
}

/** Asserts a 422 problem that names exactly these fields. */
function refused(t: Test, response: { statusCode: number; json: <T>() => T; headers: Record<string, unknown> }, fields: string[], label: string) {
  t.equal(response.statusCode, 422, `${label}: 422`);
  t.match(response.headers['content-type'], /application\/problem\+json/, `${label}: problem+json`);
  t.same(
    (response.json<Problem>().errors ?? []).map((error) => error.field).sort(),
    [...fields].sort(),
    `${label}: names ${fields.join(', ')}`,
  );
}

t.test('the new fields', async (t) => {
  const app = await testApp(t);

  t.test('defaults on create: medium priority, no tags, no due date, not completed', async (t) => {
    const task = await client(app, freshUser()).create({ title: 'Pay rent' });
    t.match(task, { priority: 'medium', tags: [], due_date: null, completed_at: null });
  });

  t.test('tags are trimmed, kept as first spelt, distinct without case and returned sorted; due dates in UTC', async (t) => {
    const task = await client(app, freshUser()).create({
      title: 'Plan trip',
      priority: 'high',
      tags: ['  travel ', 'Work', 'work', 'WORK', 'Ärger', 'admin'],
      due_date: '2026-07-01T09:30:00.1239+02:00',
    });
    t.match(task, { priority: 'high', due_date: '2026-07-01T07:30:00.123Z' });
    t.same(task.tags, ['admin', 'travel', 'Work', 'Ärger']);
  });

  t.test('completed_at is set when a task becomes completed, kept while it stays so, cleared when reopened', async (t) => {
    const api = client(app, freshUser());
    const done = await api.create({ title: 'Done already', completed: true });
    t.type(done.completed_at, 'string', 'created completed: stamped');
    const task = await api.create({ title: 'Pay rent' });
    const completed = (await api.send('PATCH', `/api/tasks/${task.id}/complete`)).json<TaskBody>();
    t.match(completed, { completed: true, completed_at: /^\d{4}-/ });
    const again = (await api.send('PATCH', `/api/tasks/${task.id}`, { completed: true })).json<TaskBody>();
    t.equal(again.completed_at, completed.completed_at, 'completing again keeps the first time');
    const reopened = (await api.send('PATCH', `/api/tasks/${task.id}/complete`, { completed: false })).json<TaskBody>();
    t.equal(reopened.completed_at, null);
  });

  t.test('PUT and PATCH change the fields named and keep the others', async (t) => {
    const api = client(app, freshUser());
    const task = await api.create({ title: 'Pay rent', priority: 'high', tags: ['home'], due_date: '2026-07-01T00:00:00Z' });
    const put = (await api.send('PUT', `/api/tasks/${task.id}`, { title: 'Pay the rent' })).json<TaskBody>();
    t.match(put, { title: 'Pay the rent', priority: 'high', tags: ['home'], due_date: '2026-07-01T00:00:00.000Z' });
    const patched = (await api.send('PATCH', `/api/tasks/${task.id}`, { priority: 'low', tags: [], due_date: null })).json<TaskBody>();
    t.match(patched, { title: 'Pay the rent', priority: 'low', tags: [], due_date: null });
  });

  t.test('every invalid field is a 422 that names it, and nothing is stored', async (t) => {
    const api = client(app, freshUser());
    const cases: [string, object, string[]][] = [
      ['an unknown priority', { title: 'x', priority: 'urgent' }, ['priority']],
      ['a null priority', { title: 'x', priority: null }, ['priority']],
      ['tags that are not a list', { title: 'x', tags: 'work' }, ['tags']],
      ['a tag that is not a string', { title: 'x', tags: ['ok', 5] }, ['tags.1']],
      ['21 tags', { title: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, ['tags']],
      ['a blank tag', { title: 'x', tags: ['ok', '   '] }, ['tags.1']],
      ['a tag of 33 characters', { title: 'x', tags: ['x'.repeat(33)] }, ['tags.0']],
      ['a tag with a line break inside', { title: 'x', tags: ['to\ndo'] }, ['tags.0']],
      ['a date without a time', { title: 'x', due_date: '2026-07-01' }, ['due_date']],
      ['a local time without a zone', { title: 'x', due_date: '2026-07-01T09:00:00' }, ['due_date']],
      ['a day that does not exist', { title: 'x', due_date: '2026-02-30T09:00:00Z' }, ['due_date']],
      ['words', { title: 'x', due_date: 'tomorrow' }, ['due_date']],
      ['a number', { title: 'x', due_date: 1767225600000 }, ['due_date']],
      ['a year beyond 9999 in UTC', { title: 'x', due_date: '9999-12-31T23:00:00-02:00' }, ['due_date']],
      ['completed_at, which only the server sets', { title: 'x', completed_at: '2026-01-01T00:00:00Z' }, ['completed_at']],
      ['several at once', { title: ' ', priority: 'urgent', tags: [''] }, ['priority']],
    ];
    for (const [label, payload, fields] of cases) {
      refused(t, await api.send('POST', '/api/tasks', payload), fields, label);
    }
    refused(t, await api.send('POST', '/api/tasks', { title: ' ', tags: ['ok', ''] }), ['title', 'tags.1'], 'domain rules report every field');
    t.same(await api.titles(''), [], 'nothing was stored');
    const task = await api.create({ title: 'Pay rent' });
    refused(t, await api.send('PATCH', `/api/tasks/${task.id}`, { completed_at: null }), ['completed_at'], 'PATCH completed_at');
    refused(t, await api.send('PUT', `/api/tasks/${task.id}`, { title: 'x', due_date: '01/07/2026' }), ['due_date'], 'PUT due_date');
  });
});

t.test('listing: filters, search and sorts', async (t) => {
  const app = await testApp(t);
  const user = freshUser();
  const api = client(app, user);
  const now = Date.now();
  const inDays = (days: number) => new Date(now + days * 86_400_000).toISOString();
  // Titles name what each task is, so that the expected lists read plainly.
  await api.create({ title: 'rent overdue', priority: 'high', tags: ['Home', 'money'], due_date: inDays(-2), description: 'Pay the LANDLORD' });
  await api.create({ title: 'taxes soon', priority: 'high', tags: ['money'], due_date: inDays(3) });
  await api.create({ title: 'garden someday', priority: 'low', tags: ['home'] });
  await api.create({ title: 'report done', priority: 'medium', tags: ['Work'], due_date: inDays(-5), completed: true });
  await api.create({ title: 'slides 100% ready', priority: 'medium', tags: ['work', 'urgent'], due_date: inDays(1) });
  await client(app, freshUser()).create({ title: 'someone else', priority: 'high', tags: ['home'], due_date: inDays(-1) });
  const titles = (query: string) => api.titles(`sort=title&order=asc&${query}`);

  t.test('priority: any of, comma-separated or repeated', async (t) => {
    t.same(await titles('priority=high'), ['rent overdue', 'taxes soon']);
    t.same(await titles('priority=low,medium'), ['garden someday', 'report done', 'slides 100% ready']);
    t.same(await titles('priority=low&priority=high'), ['garden someday', 'rent overdue', 'taxes soon']);
  });

  t.test('tag: all of, without case', async (t) => {
    t.same(await titles('tag=HOME'), ['garden someday', 'rent overdue']);
    t.same(await titles('tag=home&tag=Money'), ['rent overdue']);
    t.same(await titles('tag=%20work%20'), ['report done', 'slides 100% ready'], 'trimmed like a task tag');
    t.same(await titles('tag=home&tag=work'), []);
  });

  t.test('q: every word, without case, in the title or the description', async (t) => {
    t.same(await titles('q=landlord'), ['rent overdue'], 'found in the description');
    t.same(await titles('q=RENT%20pay'), ['rent overdue'], 'one word in each');
    t.same(await titles('q=so'), ['garden someday', 'taxes soon']);
    t.same(await titles('q=100%25'), ['slides 100% ready'], '% is a plain character');
    t.same(await titles('q=%25%25'), [], 'and does not match anything');
    t.same(await titles('q=%20%20'), (await titles('')), 'a blank q filters nothing');
  });

  t.test('due_after (inclusive), due_before (exclusive), overdue', async (t) => {
    t.same(await titles(`due_before=${encodeURIComponent(inDays(0))}`), ['rent overdue', 'report done']);
    t.same(await titles(`due_after=${encodeURIComponent(inDays(0))}`), ['slides 100% ready', 'taxes soon']);
    t.same(await titles(`due_after=${encodeURIComponent(inDays(-5))}&due_before=${encodeURIComponent(inDays(1))}`), [
      'rent overdue',
      'report done',
    ]);
    t.same(await titles('overdue=true'), ['rent overdue'], 'pending and past due; a completed task is never overdue');
    t.same(await titles('overdue=false'), ['garden someday', 'report done', 'slides 100% ready', 'taxes soon']);
  });

  t.test('filters combine', async (t) => {
    t.same(await titles('status=pending&priority=high,medium&tag=money&q=ta'), ['taxes soon']);
  });

  t.test('sort=due_date: soonest first with order=asc, latest first with desc; no due date last in both', async (t) => {
    t.same(await api.titles('sort=due_date&order=asc'), ['report done', 'rent overdue', 'slides 100% ready', 'taxes soon', 'garden someday']);
    t.same(await api.titles('sort=due_date&order=desc'), ['taxes soon', 'slides 100% ready', 'rent overdue', 'report done', 'garden someday']);
  });

  t.test('sort=priority: high first by default (order=desc), ties newest first', async (t) => {
    t.same(await api.titles('sort=priority'), ['taxes soon', 'rent overdue', 'slides 100% ready', 'report done', 'garden someday']);
    t.same(await api.titles('sort=priority&order=asc'), ['garden someday', 'report done', 'slides 100% ready', 'rent overdue', 'taxes soon']);
  });

  t.test('following Link visits every task once for every new sort, with filters kept in the link', async (t) => {
    for (const query of ['sort=due_date&order=asc', 'sort=due_date&order=desc', 'sort=priority', 'sort=priority&order=asc&tag=home&tag=money']) {
      const all = await api.titles(query);
      const seen: string[] = [];
      let url: string | undefined = `/api/tasks?${query}&limit=2`;
      while (url !== undefined) {
        const response: Awaited<ReturnType<HttpApp['inject']>> = await app.inject({ method: 'GET', url, headers: bearer(user) });
        seen.push(...response.json<TaskBody[]>().map((task) => task.title));
        url = /^<([^>]+)>; rel="next"$/.exec(String(response.headers.link ?? ''))?.[1];
      }
      t.same(seen, all, query);
    }
  });

  t.test('every invalid parameter is a 422 that names it', async (t) => {
    const cases: [string, string[]][] = [
      ['priority=urgent', ['priority']],
      ['priority=high,,low', ['priority']],
      ['priority=HIGH', ['priority']],
      ['tag=', ['tag']],
      ['tag=ok&tag=%20%20', ['tag']],
      [`tag=${'x'.repeat(33)}`, ['tag']],
      [Array.from({ length: 21 }, (_, i) => `tag=t${i}`).join('&'), ['tag']],
      [`q=${'x'.repeat(201)}`, ['q']],
      ['due_before=yesterday', ['due_before']],
      ['due_after=2026-07-01', ['due_after']],
      ['due_after=2026-07-01T10:00:00%2B02:00&due_before=2026-07-01T10:00:00+02:00', ['due_before']],
      ['overdue=maybe', ['overdue']],
      ['sort=size', ['sort']],
      ['sort=due_date&order=up', ['order']],
      ['tags=home', ['tags']],
      ['priority=urgent&tag=&overdue=true', ['priority', 'tag']],
    ];
    for (const [query, fields] of cases) refused(t, await api.send('GET', `/api/tasks?${query}`), fields, query);
  });

  t.test('a cursor is refused when made for another sort or forged with a value that sort never produces', async (t) => {
    const first = await api.send('GET', '/api/tasks?sort=due_date&order=asc&limit=1');
    const cursor = new URL(/^<([^>]+)>/.exec(String(first.headers.link))![1]!, 'http://x').searchParams.get('cursor')!;
    refused(t, await api.send('GET', `/api/tasks?sort=due_date&order=desc&cursor=${cursor}`), ['cursor'], 'another order');
    const forged = (payload: object) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    for (const [sort, order, value] of [
      ['due_date', 'asc', 'not a date'],
      ['due_date', 'asc', '-infinity'],
      ['priority', 'desc', '7'],
      ['created', 'desc', '2026-13-01T00:00:00.000Z'],
    ]) {
      const response = await api.send('GET', `/api/tasks?sort=${sort}&order=${order}&cursor=${forged({ sort, order, value, id: 1 })}`);
      refused(t, response, ['cursor'], `${sort} ${order} ${value}`);
    }
  });
});

t.test('stats', async (t) => {
  const app = await testApp(t);
  const api = client(app, freshUser());
  t.same((await api.send('GET', '/api/tasks/stats')).json(), { total: 0, completed: 0, pending: 0, overdue: 0 });
  await api.create({ title: 'late', due_date: '2020-01-01T00:00:00Z' });
  await api.create({ title: 'late but done', due_date: '2020-01-01T00:00:00Z', completed: true });
  await api.create({ title: 'later', due_date: '9999-01-01T00:00:00Z' });
  await api.create({ title: 'whenever' });
  await client(app, freshUser()).create({ title: 'not mine', due_date: '2020-01-01T00:00:00Z' });
  const stats = await api.send('GET', '/api/tasks/stats');
  t.equal(stats.statusCode, 200);
  t.same(stats.json(), { total: 4, completed: 1, pending: 3, overdue: 1 });
  refused(t, await api.send('GET', '/api/tasks/stats?status=all'), ['status'], 'an unknown parameter');
});

t.test('DELETE /tasks?status=completed clears the caller\'s completed tasks', async (t) => {
  const app = await testApp(t);
  const user = freshUser();
  const api = client(app, user);
  await api.create({ title: 'open' });
  await api.create({ title: 'done 1', completed: true });
  await api.create({ title: 'done 2', completed: true });
  const other = client(app, freshUser());
  await other.create({ title: 'theirs', completed: true });

  refused(t, await api.send('DELETE', '/api/tasks'), ['status'], 'a bare DELETE /tasks');
  for (const status of ['all', 'pending', 'COMPLETED', '']) {
    refused(t, await api.send('DELETE', `/api/tasks?status=${status}`), ['status'], `status=${status}`);
  }
  refused(t, await api.send('DELETE', '/api/tasks?status=completed&force=true'), ['force'], 'an unknown parameter');
  t.same(await api.titles('sort=title&order=asc'), ['done 1', 'done 2', 'open'], 'nothing was deleted by a refused request');

  const cleared = await api.send('DELETE', '/api/tasks?status=completed');
  t.equal(cleared.statusCode, 200);
  t.same(cleared.json(), { deleted: 2 });
  t.same(await api.titles(''), ['open']);
  t.same(await other.titles(''), ['theirs'], "another user's completed task stays");
  t.same((await api.send('DELETE', '/api/tasks?status=completed')).json(), { deleted: 0 });
  const compat = await app.inject({ method: 'DELETE', url: `/api/${user}/tasks?status=completed`, headers: bearer(user) });
  t.same(compat.json(), { deleted: 0 }, 'the compat mount has it too');
});

t.test('PATCH /tasks/complete sets many at once and answers with the tasks changed', async (t) => {
  const app = await testApp(t);
  const user = freshUser();
  const api = client(app, user);
  const a = await api.create({ title: 'a' });
  const b = await api.create({ title: 'b', completed: true });
  const c = await api.create({ title: 'c' });
  const other = freshUser();
  const theirs = await client(app, other).create({ title: 'theirs' });

  const response = await api.send('PATCH', '/api/tasks/complete', { ids: [c.id, a.id, b.id, theirs.id, 987_654, a.id], completed: true });
  t.equal(response.statusCode, 200);
  const changed = response.json<TaskBody[]>();
  t.same(changed.map((task) => task.title), ['a', 'c'], 'only tasks that changed, by id; not b (already completed), not theirs');
  t.ok(changed.every((task) => task.completed && task.completed_at !== null));
  const after = await app.inject({ method: 'GET', url: `/api/tasks/${theirs.id}`, headers: bearer(other) });
  t.equal(after.json<TaskBody>().completed, false, "another user's task is not changed");

  const reopened = await app.inject({
    method: 'PATCH',
    url: `/api/${user}/tasks/complete`,
    headers: bearer(user),
    payload: { ids: [a.id, b.id], completed: false },
  });
  t.same(reopened.json<TaskBody[]>().map((task) => task.title), ['a', 'b'], 'on the compat mount too');

  const cases: [string, object, string[]][] = [
    ['no ids', { ids: [], completed: true }, ['ids']],
    ['an id that is not a positive integer', { ids: [1, 'two', 0], completed: true }, ['ids.1', 'ids.2']],
    ['201 ids', { ids: Array.from({ length: 201 }, (_, i) => i + 1), completed: true }, ['ids']],
    ['no state', { ids: [a.id] }, ['completed']],
    ['a state that is not a boolean', { ids: [a.id], completed: 'yes' }, ['completed']],
    ['an unknown field', { ids: [a.id], completed: true, force: true }, ['force']],
  ];
  for (const [label, payload, fields] of cases) refused(t, await api.send('PATCH', '/api/tasks/complete', payload), fields, label);
  refused(t, await app.inject({ method: 'PATCH', url: '/api/tasks/complete', headers: { ...bearer(user), 'content-type': 'application/json' } }), ['body'], 'no body');
});

t.test('every filter and sort against PostgreSQL, through HTTP', { skip: skipWithoutPostgres }, async (t) => {
  await listingOn(t, 'postgres');
});

t.test('every filter and sort through PgBouncer in transaction mode', { skip: skipWithoutPostgres }, async (t) => {
  await listingOn(t, 'pgbouncer');
});

/** One pass over the parameters on a real database: the adapters' contract suite covers the rest. */
async function listingOn(t: Test, store: Store) {
  const app = await testApp(t, { store });
  const api = client(app, freshUser());
  await api.create({ title: 'Éclair order', priority: 'high', tags: ['Bakery'], due_date: '2026-01-01T00:00:00Z' });
  await api.create({ title: 'rent', priority: 'low', tags: ['home', 'bakery'], description: 'ÉCLAIRS too', due_date: '2030-01-01T00:00:00Z' });
  await api.create({ title: 'nothing', completed: true });
  t.same(await api.titles('q=éclair&sort=title&order=asc'), ['rent', 'Éclair order'], 'non-ASCII search without case');
  t.same(await api.titles('tag=BAKERY&sort=due_date&order=desc'), ['rent', 'Éclair order']);
  t.same(await api.titles('priority=high,low&overdue=true'), ['Éclair order']);
  t.same(await api.titles('due_after=2026-01-01T00:00:00Z&due_before=2030-01-01T00:00:00Z'), ['Éclair order']);
  t.same(await api.titles('sort=priority&status=pending'), ['Éclair order', 'rent']);
  t.same((await api.send('GET', '/api/tasks/stats')).json(), { total: 3, completed: 1, pending: 2, overdue: 1 });
  t.same((await api.send('DELETE', '/api/tasks?status=completed')).json(), { deleted: 1 });
}
