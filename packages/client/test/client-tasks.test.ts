import t from 'tap';
import { TodoApiError, type Task } from '../src/index.js';
import { clientFor, recordingFetch, startApi, tokenFor } from './support/live-api.js';

const TASK_FIELDS = [
  'completed',
  'completed_at',
  'created_at',
  'description',
  'due_date',
  'id',
  'priority',
  'tags',
  'title',
  'updated_at',
  'user_id',
];

t.test('create returns the task exactly as the wire has it (snake_case), and get reads it back', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const created = await tasks.create({
    title: 'Pay rent',
    description: 'before the 5th',
    priority: 'high',
    tags: ['home', 'Money'],
    due_date: '2026-12-01T09:00:00Z',
  });
  t.strictSame(Object.keys(created).sort(), TASK_FIELDS);
  t.match(created, {
    user_id: 'alice',
    title: 'Pay rent',
    description: 'before the 5th',
    completed: false,
    priority: 'high',
    tags: ['home', 'Money'],
    due_date: '2026-12-01T09:00:00.000Z',
    completed_at: null,
  });
  t.strictSame(await tasks.get(created.id), created);
});

t.test('getToken is called for every request, and the token travels in the Authorization header only', async (t) => {
  const { baseUrl } = await startApi(t);
  const { fetch, requests } = recordingFetch();
  let calls = 0;
  const { tasks } = clientFor(baseUrl, 'alice', {
    fetch,
    getToken: async () => {
      calls += 1;
      return tokenFor('alice');
    },
  });
  const task = await tasks.create({ title: 'one' });
  await tasks.get(task.id);
  await tasks.list();
  await tasks.stats();
  t.equal(calls, 4);
  t.equal(requests.length, 4);
  for (const request of requests) {
    t.match(request.headers.get('authorization'), /^Bearer ey/);
    t.notMatch(request.url, /ey[\w-]+\.ey/, `no token in ${request.url}`);
  }
});

t.test('the base URL is the origin: a trailing slash is fine and /api is added by the client', async (t) => {
  const { baseUrl } = await startApi(t);
  const { fetch, requests } = recordingFetch();
  await clientFor(`${baseUrl}/`, 'alice', { fetch }).tasks.list();
  t.equal(requests[0]?.url, `${baseUrl}/api/tasks`);
});

t.test('create sends an Idempotency-Key: the same key twice creates one task', async (t) => {
  const { baseUrl } = await startApi(t);
  const { fetch, requests } = recordingFetch();
  const { tasks } = clientFor(baseUrl, 'alice', { fetch });
  await tasks.create({ title: 'generated key' });
  t.match(requests[0]?.headers.get('idempotency-key'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const first = await tasks.create({ title: 'Renew passport' }, { idempotencyKey: 'passport-7f3c' });
  const second = await tasks.create({ title: 'Renew passport' }, { idempotencyKey: 'passport-7f3c' });
  t.strictSame(second, first);
  t.equal(requests[2]?.headers.get('idempotency-key'), 'passport-7f3c');
  t.equal((await tasks.list()).tasks.length, 2, 'the replay created nothing');
});

t.test('list returns one page and the cursor of the next; iterate walks every task once with limit as the page size', async (t) => {
  const { baseUrl } = await startApi(t);
  const { fetch, requests } = recordingFetch();
  const { tasks } = clientFor(baseUrl, 'alice', { fetch });
  for (let index = 1; index <= 5; index++) await tasks.create({ title: `task ${index}` });
  requests.length = 0;

  const first = await tasks.list({ limit: 2, sort: 'title', order: 'asc' });
  t.strictSame(first.tasks.map((task) => task.title), ['task 1', 'task 2']);
  t.type(first.next, 'string');
  const second = await tasks.list({ limit: 2, sort: 'title', order: 'asc', cursor: first.next! });
  t.strictSame(second.tasks.map((task) => task.title), ['task 3', 'task 4']);
  const last = await tasks.list({ limit: 2, sort: 'title', order: 'asc', cursor: second.next! });
  t.strictSame(last.tasks.map((task) => task.title), ['task 5']);
  t.equal(last.next, null);

  requests.length = 0;
  const titles: string[] = [];
  for await (const task of tasks.iterate({ limit: 2, sort: 'title', order: 'asc' })) titles.push(task.title);
  t.strictSame(titles, ['task 1', 'task 2', 'task 3', 'task 4', 'task 5']);
  t.equal(requests.length, 3, 'three pages of two');
  t.ok(requests.every((request) => new URL(request.url).searchParams.get('limit') === '2'));
});

t.test('list filters: status, priority (any of), tag (all of), q, overdue, sort by priority', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const rent = await tasks.create({ title: 'Pay rent', priority: 'high', tags: ['home', 'money'], due_date: '2020-01-01T00:00:00Z' });
  const groceries = await tasks.create({ title: 'Groceries', priority: 'low', tags: ['home'] });
  const report = await tasks.create({ title: 'Write report', priority: 'medium', tags: ['work'] });
  await tasks.complete(groceries.id, true);
  const titles = async (query: Parameters<typeof tasks.list>[0]) => (await tasks.list(query)).tasks.map((task) => task.title).sort();

  t.strictSame(await titles({ status: 'completed' }), ['Groceries']);
  t.strictSame(await titles({ priority: ['high', 'medium'] }), ['Pay rent', 'Write report']);
  t.strictSame(await titles({ priority: 'low' }), ['Groceries']);
  t.strictSame(await titles({ tag: ['home', 'money'] }), ['Pay rent']);
  t.strictSame(await titles({ tag: 'home' }), ['Groceries', 'Pay rent']);
  t.strictSame(await titles({ q: 'REPORT' }), ['Write report']);
  t.strictSame(await titles({ overdue: true }), ['Pay rent']);
  t.strictSame((await tasks.list({ sort: 'priority' })).tasks.map((task) => task.id), [rent.id, report.id, groceries.id]);
});

t.test('update changes only the fields given; replace (PUT) too; neither erases what it does not name', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const task = await tasks.create({ title: 'Draft', description: 'keep me', tags: ['work'] });
  const updated = await tasks.update(task.id, { priority: 'high', due_date: '2026-03-01T12:00:00Z' });
  t.match(updated, { title: 'Draft', description: 'keep me', tags: ['work'], priority: 'high', due_date: '2026-03-01T12:00:00.000Z' });
  const replaced = await tasks.replace(task.id, { title: 'Final' });
  t.match(replaced, { title: 'Final', description: 'keep me', tags: ['work'], priority: 'high' });
  const cleared = await tasks.update(task.id, { description: null, due_date: null, tags: [] });
  t.match(cleared, { description: null, due_date: null, tags: [] });
});

t.test('complete flips without a value and sets with one; delete removes the task', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const task = await tasks.create({ title: 'Flip me' });
  t.equal((await tasks.complete(task.id)).completed, true);
  t.equal((await tasks.complete(task.id)).completed, false);
  t.equal((await tasks.complete(task.id, true)).completed, true);
  t.equal((await tasks.complete(task.id, true)).completed, true, 'setting is not flipping');
  t.equal(await tasks.delete(task.id), undefined);
  const gone = await tasks.get(task.id).catch((error: unknown) => error);
  t.ok(gone instanceof TodoApiError);
  t.equal((gone as TodoApiError).status, 404);
});

t.test('stats, completeMany (the tasks changed) and clearCompleted ({ deleted })', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const [a, b, c] = [await tasks.create({ title: 'a' }), await tasks.create({ title: 'b' }), await tasks.create({ title: 'c' })];
  t.strictSame(await tasks.stats(), { total: 3, completed: 0, pending: 3, overdue: 0 });
  const changed = await tasks.completeMany([a.id, b.id], true);
  t.strictSame(changed.map((task) => task.id).sort(), [a.id, b.id].sort());
  t.ok(changed.every((task) => task.completed));
  t.strictSame(await tasks.completeMany([a.id, c.id], true).then((list) => list.map((task) => task.id)), [c.id], 'only what changed');
  t.strictSame(await tasks.clearCompleted(), { deleted: 3 });
  t.strictSame(await tasks.stats(), { total: 0, completed: 0, pending: 0, overdue: 0 });
});

t.test('failures throw TodoApiError with status, detail, errors and type from the problem answer', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const invalid = await tasks.create({ title: '   ' }).catch((error: unknown) => error);
  t.ok(invalid instanceof TodoApiError);
  const error = invalid as TodoApiError;
  t.equal(error.status, 422);
  t.equal(error.type, 'urn:todo-api:problem:validation-failed');
  t.type(error.detail, 'string');
  t.equal(error.message, error.detail);
  t.match(error.errors, [{ field: 'title', message: String }]);

  const missing = (await tasks.update(999, { title: 'x' }).catch((error: unknown) => error)) as TodoApiError;
  t.equal(missing.status, 404);
  t.equal(missing.detail, 'No such task.');
  t.strictSame(missing.errors, []);
});

t.test('another user never sees or changes my tasks: their get is a 404', async (t) => {
  const { baseUrl } = await startApi(t);
  const mine = await clientFor(baseUrl, 'alice').tasks.create({ title: 'private' });
  const theirs = clientFor(baseUrl, 'bob').tasks;
  t.strictSame((await theirs.list()).tasks, []);
  t.equal(((await theirs.get(mine.id).catch((error: unknown) => error)) as TodoApiError).status, 404);
});

t.test('a token the API refuses: one more try with a fresh token, then TodoApiError 401', async (t) => {
  const { baseUrl } = await startApi(t);
  let calls = 0;
  const { tasks } = clientFor(baseUrl, 'alice', {
    getToken: () => {
      calls += 1;
      return 'not-a-jwt';
    },
  });
  const error = (await tasks.list().catch((error: unknown) => error)) as TodoApiError;
  t.ok(error instanceof TodoApiError);
  t.equal(error.status, 401);
  t.equal(calls, 2);
});

t.test('a token that expired on the way is replaced by a fresh one and the request succeeds', async (t) => {
  const { baseUrl } = await startApi(t);
  let calls = 0;
  const { tasks } = clientFor(baseUrl, 'alice', {
    getToken: () => (++calls === 1 ? tokenFor('alice', -120) : tokenFor('alice')),
  });
  t.strictSame((await tasks.list()).tasks, []);
  t.equal(calls, 2);
});

t.test('ifMatch', async (t) => {
  const { baseUrl } = await startApi(t);
  const { fetch, requests } = recordingFetch();
  const { tasks } = clientFor(baseUrl, 'alice', { fetch });
  const other = clientFor(baseUrl, 'alice').tasks;

  t.test('with a task this client returned, sends its ETag and writes while nobody changed it', async (t) => {
    const task = await tasks.create({ title: 'v1' });
    requests.length = 0;
    const updated = await tasks.update(task.id, { title: 'v2' }, { ifMatch: task });
    t.equal(requests[0]?.headers.get('if-match'), '"1"');
    t.equal(updated.title, 'v2');
    const replaced = await tasks.replace(task.id, { title: 'v3' }, { ifMatch: updated });
    t.equal(replaced.title, 'v3');
    await tasks.delete(task.id, { ifMatch: replaced });
    t.equal(requests.length, 3, 'no extra reads');
  });

  t.test('with a stale task, the write fails with 412 and changes nothing', async (t) => {
    const task = await tasks.create({ title: 'mine' });
    await other.update(task.id, { title: 'theirs' });
    for (const write of [
      () => tasks.update(task.id, { title: 'lost update' }, { ifMatch: task }),
      () => tasks.replace(task.id, { title: 'lost update' }, { ifMatch: task }),
      () => tasks.delete(task.id, { ifMatch: task }),
    ]) {
      const error = (await write().catch((error: unknown) => error)) as TodoApiError;
      t.ok(error instanceof TodoApiError);
      t.equal(error.status, 412);
      t.match(error.detail, /changed since you read it/);
    }
    t.equal((await other.get(task.id)).title, 'theirs');
  });

  t.test('with an ETag string', async (t) => {
    const task = await tasks.create({ title: 'tagged' });
    t.equal((await tasks.update(task.id, { title: 'ok' }, { ifMatch: '"1"' })).title, 'ok');
    const error = (await tasks.update(task.id, { title: 'no' }, { ifMatch: '"1"' }).catch((error: unknown) => error)) as TodoApiError;
    t.equal(error.status, 412);
  });

  t.test('with a task from a list (no ETag on the wire): writes if unchanged, 412 if it changed', async (t) => {
    const fresh = await other.create({ title: 'listed', tags: ['b', 'a'] });
    const listed = (await tasks.list()).tasks.find((task) => task.id === fresh.id)!;
    t.equal((await tasks.update(listed.id, { title: 'edited' }, { ifMatch: listed })).title, 'edited');

    const copy: Task = { ...listed };
    const error = (await tasks.delete(copy.id, { ifMatch: copy }).catch((error: unknown) => error)) as TodoApiError;
    t.ok(error instanceof TodoApiError);
    t.equal(error.status, 412, 'it was edited since it was listed');
    t.equal((await other.get(fresh.id)).title, 'edited', 'not deleted');
  });
});
