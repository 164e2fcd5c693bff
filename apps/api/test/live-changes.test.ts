import type { HttpApp } from '@todo/adapters';
import { DELETION_RETENTION_MS } from '@todo/application';
import t from 'tap';
import { bearer, testApp, type Store } from './support/test-app.js';

/** The change feed, GET /tasks/changes (contract §9), over HTTP. */

interface TaskBody {
  id: number;
  title: string;
  completed: boolean;
}
type Change = { type: 'upsert'; task: TaskBody } | { type: 'delete'; id: number };
interface ChangesPage {
  changes: Change[];
  cursor: string;
  has_more: boolean;
}

let users = 0;
const freshUser = () => `syncer-${process.pid}-${++users}`;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function client(app: HttpApp, user: string, mount = '/api/tasks') {
  const send = (method: Method, path: string, payload?: object) =>
    app.inject({ method, url: `${mount}${path}`, headers: bearer(user), ...(payload === undefined ? {} : { payload }) });
  return {
    send,
    async create(title: string, fields: object = {}) {
      const response = await send('POST', '', { title, ...fields });
      if (response.statusCode !== 201) throw new Error(`create: ${response.statusCode} ${response.body}`);
      return response.json<TaskBody>();
    },
    async changes(query = '') {
      const response = await send('GET', `/changes${query}`);
      if (response.statusCode !== 200) throw new Error(`changes: ${response.statusCode} ${response.body}`);
      return response.json<ChangesPage>();
    },
    async list() {
      return (await send('GET', '?limit=200')).json<TaskBody[]>();
    },
  };
}

const summary = (changes: Change[]) => changes.map((change) => (change.type === 'upsert' ? `upsert ${change.task.title}` : `delete ${change.id}`));

/** Applies every change from `since` on, following `cursor` while `has_more`, to `replica`. */
async function follow(api: ReturnType<typeof client>, replica: Map<number, TaskBody>, since: string | null, limit = 500) {
  let cursor = since;
  for (;;) {
    const page = await api.changes(`?limit=${limit}${cursor === null ? '' : `&since=${encodeURIComponent(cursor)}`}`);
    for (const change of page.changes) {
      if (change.type === 'upsert') replica.set(change.task.id, change.task);
      else replica.delete(change.id);
    }
    cursor = page.cursor;
    if (!page.has_more) return cursor;
  }
}

for (const store of ['memory', 'pglite', 'postgres', 'pgbouncer'] satisfies Store[]) {
  const needsPostgres = (store === 'postgres' || store === 'pgbouncer') && !process.env['TEST_DATABASE_URL'];
  t.test(`the change feed on ${store}`, { skip: needsPostgres ? 'TEST_DATABASE_URL is not set' : false }, async (t) => {
    const app = await testApp(t, { store });

    t.test('without since: every current task as an upsert, no deletion, and a cursor from which only later writes follow', async (t) => {
      const api = client(app, freshUser());
      const kept = await api.create('kept');
      const gone = await api.create('gone');
      await api.send('DELETE', `/${gone.id}`);
      const full = await api.changes();
      t.same(summary(full.changes), ['upsert kept']);
      t.same(full.changes[0], { type: 'upsert', task: (await api.send('GET', `/${kept.id}`)).json<TaskBody>() }, 'the task exactly as GET has it');
      t.equal(full.has_more, false);
      t.same((await api.changes(`?since=${full.cursor}`)).changes, [], 'nothing after the cursor yet');
      await api.create('later');
      t.same(summary((await api.changes(`?since=${full.cursor}`)).changes), ['upsert later']);
    });

    t.test('every kind of write is a change, in commit order, each task once with its latest state', async (t) => {
      const api = client(app, freshUser());
      const start = (await api.changes()).cursor;
      const a = await api.create('a');
      const b = await api.create('b');
      const c = await api.create('c', { completed: true });
      const d = await api.create('d');
      await api.send('PUT', `/${a.id}`, { title: 'a put' });
      await api.send('PATCH', `/${b.id}`, { title: 'b patched' });
      await api.send('PATCH', `/${b.id}/complete`);
      await api.send('PATCH', '/complete', { ids: [d.id], completed: true });
      await api.send('DELETE', `/${a.id}`);
      await api.send('DELETE', '?status=completed');
      const page = await api.changes(`?since=${start}`);
      t.same(summary(page.changes), [`delete ${a.id}`, `delete ${b.id}`, `delete ${c.id}`, `delete ${d.id}`]);

      const middle = (await api.changes()).cursor;
      const e = await api.create('e');
      await api.send('PATCH', `/${e.id}`, { title: 'e once' });
      await api.send('PATCH', `/${e.id}/complete`);
      const compacted = await api.changes(`?since=${middle}`);
      t.same(compacted.changes, [{ type: 'upsert', task: (await api.send('GET', `/${e.id}`)).json<TaskBody>() }], 'three writes, one change');
      t.equal((compacted.changes[0] as { task: TaskBody }).task.completed, true);
    });

    t.test('pages of `limit` changes, with has_more, end with exactly the tasks GET /tasks returns', async (t) => {
      const api = client(app, freshUser());
      const replica = new Map<number, TaskBody>();
      const cursor = await follow(api, replica, null, 3);
      for (let index = 0; index < 7; index++) await api.create(`task ${index}`);
      const first = await api.changes(`?since=${cursor}&limit=3`);
      t.equal(first.changes.length, 3);
      t.equal(first.has_more, true);
      const tasks = await api.list();
      await api.send('DELETE', `/${tasks[0]!.id}`);
      await api.send('PATCH', `/${tasks[3]!.id}/complete`);
      await follow(api, replica, cursor, 2);
      t.same(
        [...replica.values()].sort((x, y) => x.id - y.id),
        (await api.list()).sort((x, y) => x.id - y.id),
      );
    });

    t.test('another user\'s writes never appear, and another user\'s cursor is 410', async (t) => {
      const alice = client(app, freshUser());
      const bob = client(app, freshUser());
      const aliceStart = (await alice.changes()).cursor;
      const theirs = await bob.create('bob only');
      await alice.send('PATCH', `/${theirs.id}`, { title: 'hijack' });
      await alice.send('DELETE', `/${theirs.id}`);
      t.same((await alice.changes(`?since=${aliceStart}`)).changes, []);
      const gone = await bob.send('GET', `/changes?since=${aliceStart}`);
      t.equal(gone.statusCode, 410);
      t.match(gone.headers['content-type'], /application\/problem\+json/);
      t.match(gone.json(), { status: 410, type: /cursor-expired$/, detail: /full sync/ });
    });

    t.test('a malformed cursor is 410; a bad limit or an unknown parameter is 422 naming it', async (t) => {
      const api = client(app, freshUser());
      for (const cursor of ['nope', 'eyJ1IjoiMSJ9', '%00', 'x'.repeat(1000)]) {
        const response = await api.send('GET', `/changes?since=${cursor}`);
        t.equal(response.statusCode, 410, cursor.slice(0, 20));
      }
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=1001', 'limit'],
        ['limit=ten', 'limit'],
        ['sort=title', 'sort'],
      ] as const) {
        const response = await api.send('GET', `/changes?${query}`);
        t.equal(response.statusCode, 422, query);
        t.equal(response.json<{ errors: { field: string }[] }>().errors[0]?.field, field);
      }
    });

    t.test('the compat mount serves the same feed; another user\'s path is 403', async (t) => {
      const user = freshUser();
      const api = client(app, user);
      const compat = client(app, user, `/api/${user}/tasks`);
      await api.create('both mounts');
      t.same(await compat.changes(), await api.changes());
      t.equal((await client(app, user, '/api/someone-else/tasks').send('GET', '/changes')).statusCode, 403);
      t.equal((await client(app, user, '/api/someone-else/tasks').send('GET', '/events')).statusCode, 403);
    });

    t.test('no token is 401', async (t) => {
      const response = await app.inject({ url: '/api/tasks/changes' });
      t.equal(response.statusCode, 401);
    });
  });
}

t.test('deletions are remembered 30 days: a cursor older than a forgotten deletion is 410, a newer one works', async (t) => {
  let now = new Date('2026-03-01T12:00:00.000Z').getTime();
  const app = await testApp(t, { overrides: { clock: { now: () => new Date(now) } } });
  const api = client(app, freshUser());
  const task = await api.create('deleted long ago');
  const beforeDeletion = (await api.changes()).cursor;
  await api.send('DELETE', `/${task.id}`);
  const afterDeletion = (await api.changes(`?since=${beforeDeletion}`)).cursor;

  now += DELETION_RETENTION_MS - 60_000;
  t.same(summary((await api.changes(`?since=${beforeDeletion}`)).changes), [`delete ${task.id}`], 'still remembered after 29 days and change');

  now += 120_000;
  // Deletions are forgotten on the way of a later delete: no job to run.
  const other = client(app, freshUser());
  await other.send('DELETE', `/${(await other.create('trigger')).id}`);
  const expired = await api.send('GET', `/changes?since=${beforeDeletion}`);
  t.equal(expired.statusCode, 410, 'a cursor that may have missed the forgotten deletion');
  t.equal((await api.send('GET', `/changes?since=${afterDeletion}`)).statusCode, 200, 'a cursor after it still works');
  t.equal((await api.send('GET', '/changes')).statusCode, 200, 'and a full sync starts over');
});

t.test('a full sync can page on past forgotten deletions while its pages are younger than the retention', async (t) => {
  let now = new Date('2026-03-01T12:00:00.000Z').getTime();
  const app = await testApp(t, { overrides: { clock: { now: () => new Date(now) } } });
  const api = client(app, freshUser());
  for (let index = 0; index < 4; index++) await api.create(`old ${index}`);
  await api.send('DELETE', `/${(await api.create('deleted')).id}`);
  now += DELETION_RETENTION_MS + 60_000;
  await api.send('DELETE', `/${(await api.create('deleted too')).id}`);
  const first = await api.changes('?limit=2');
  t.equal(first.has_more, true);
  const second = await api.send('GET', `/changes?limit=2&since=${first.cursor}`);
  t.equal(second.statusCode, 200, 'the full sync goes on');
  now += DELETION_RETENTION_MS;
  t.equal((await api.send('GET', `/changes?limit=2&since=${first.cursor}`)).statusCode, 410, 'but not forever');
});
