import { InMemoryTaskRepository, KyselyIdempotencyStore, type HttpApp } from '@todo/adapters';
import { fingerprintOf, IDEMPOTENCY_CLAIM_LEASE_MS } from '@todo/application';
import { userId, type NewTask, type Task } from '@todo/domain';
import t, { type Test } from 'tap';
import { isolatedPgBouncer, isolatedPostgres, skipWithoutPostgres } from '../../../packages/adapters/test/support/databases.js';
import { bearer, testApp, type Store } from './support/test-app.js';

/** ETags, conditional requests and idempotent creates (contract §8), over HTTP. */

interface TaskBody {
  id: number;
  title: string;
  completed: boolean;
}

let users = 0;
const freshUser = () => `careful-${++users}`;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function client(app: HttpApp, user: string) {
  return (method: Method, url: string, { payload, headers = {} }: { payload?: object; headers?: Record<string, string> } = {}) =>
    app.inject({ method, url, headers: { ...bearer(user), ...headers }, ...(payload === undefined ? {} : { payload }) });
}

async function created(app: HttpApp, user: string, payload: object = { title: 'Pay rent' }) {
  const response = await client(app, user)('POST', '/api/tasks', { payload });
  return { task: response.json<TaskBody>(), etag: String(response.headers.etag) };
}

const problemField = (response: { json: <T>() => T }) => response.json<{ errors?: { field: string }[] }>().errors?.map((error) => error.field);

t.test('ETag on every single-task answer, new with every write', async (t) => {
  const app = await testApp(t);
  const send = client(app, freshUser());
  const post = await send('POST', '/api/tasks', { payload: { title: 'Pay rent' } });
  const id = post.json<TaskBody>().id;
  const etags = [post.headers.etag];
  for (const [method, url, payload] of [
    ['GET', `/api/tasks/${id}`, undefined],
    ['PUT', `/api/tasks/${id}`, { title: 'Pay the rent' }],
    ['PATCH', `/api/tasks/${id}`, { priority: 'high' }],
    ['PATCH', `/api/tasks/${id}/complete`, undefined],
  ] as const) {
    const response = await send(method, url, payload === undefined ? {} : { payload });
    t.match(response.headers.etag, /^"\d+"$/, `${method} ${url} has an ETag`);
    etags.push(response.headers.etag);
  }
  t.same(etags, ['"1"', '"1"', '"2"', '"3"', '"4"'], 'a read keeps it, each write changes it');
});

t.test('If-None-Match on GET', async (t) => {
  const app = await testApp(t);
  const user = freshUser();
  const send = client(app, user);
  const { task, etag } = await created(app, user);

  for (const header of [etag, `W/${etag}`, `"99", ${etag}`, '*']) {
    const response = await send('GET', `/api/tasks/${task.id}`, { headers: { 'if-none-match': header } });
    t.equal(response.statusCode, 304, `${header}: 304`);
    t.equal(response.body, '', `${header}: no body`);
    t.equal(response.headers.etag, etag, `${header}: with the ETag`);
  }
  const stale = await send('GET', `/api/tasks/${task.id}`, { headers: { 'if-none-match': '"0"' } });
  t.equal(stale.statusCode, 200, 'another tag: the task');
  await send('PATCH', `/api/tasks/${task.id}`, { payload: { title: 'Changed' } });
  const changed = await send('GET', `/api/tasks/${task.id}`, { headers: { 'if-none-match': etag } });
  t.equal(changed.statusCode, 200, 'after a write the old tag no longer matches');
  t.equal(changed.headers.etag, '"2"');

  const foreign = await client(app, freshUser())('GET', `/api/tasks/${task.id}`, { headers: { 'if-none-match': '*' } });
  t.equal(foreign.statusCode, 404, "another user's task stays a 404");
  for (const header of ['2', 'W/2', '"2', 'abc', '"2" "3"']) {
    const response = await send('GET', `/api/tasks/${task.id}`, { headers: { 'if-none-match': header } });
    t.equal(response.statusCode, 422, `malformed ${header}: 422`);
    t.same(problemField(response), ['if-none-match'], `malformed ${header}: names the header`);
  }
});

t.test('If-Match on PUT, PATCH, DELETE and /complete', async (t) => {
  const app = await testApp(t);
  const user = freshUser();
  const send = client(app, user);
  const writes: [Method, string, object | undefined][] = [
    ['PUT', '', { title: 'Put' }],
    ['PATCH', '', { title: 'Patched' }],
    ['PATCH', '/complete', undefined],
    ['DELETE', '', undefined],
  ];

  for (const [method, suffix, payload] of writes) {
    const label = `${method} /tasks/{id}${suffix}`;
    const { task, etag } = await created(app, user);
    const url = `/api/tasks/${task.id}${suffix}`;
    const opts = (ifMatch: string) => ({ headers: { 'if-match': ifMatch }, ...(payload === undefined ? {} : { payload }) });

    for (const stale of ['"2"', `W/${etag}`, '"abc"', '"2", "3"']) {
      const refused = await send(method, url, opts(stale));
      t.equal(refused.statusCode, 412, `${label} with ${stale}: 412`);
      t.match(refused.json(), { status: 412, type: /precondition-failed/ }, `${label}: a problem body`);
    }
    const malformed = await send(method, url, opts('1'));
    t.equal(malformed.statusCode, 422, `${label} with an unquoted tag: 422`);
    t.same(problemField(malformed), ['if-match']);
    const untouched = await send('GET', `/api/tasks/${task.id}`);
    t.equal(untouched.headers.etag, etag, `${label}: refused writes changed nothing`);

    const foreign = await client(app, freshUser())(method, url, opts(etag));
    t.equal(foreign.statusCode, 404, `${label}: another user's task at the right version is still a 404`);
    const missing = await send(method, `/api/tasks/987654${suffix}`, opts(etag));
    t.equal(missing.statusCode, 404, `${label}: a missing task is a 404, not a 412`);

    const applied = await send(method, url, opts(`"7", ${etag}`));
    t.equal(applied.statusCode, method === 'DELETE' ? 204 : 200, `${label} with the current tag among others: applied`);
  }

  const { task } = await created(app, user);
  t.equal((await send('PATCH', `/api/tasks/${task.id}`, { headers: { 'if-match': '*' }, payload: { title: 'any' } })).statusCode, 200, '* matches any version');
  t.equal((await send('PATCH', `/api/tasks/${task.id}`, { payload: { title: 'none' } })).statusCode, 200, 'no If-Match: as before');
});

/** Two writers read the same version, then both write with `If-Match`: exactly one may win. */
async function racingWriters(t: Test, store: Store) {
  const app = await testApp(t, { store });
  const user = freshUser();
  const send = client(app, user);
  for (const [first, second] of [
    [{ method: 'PATCH', suffix: '', payload: { title: 'Tab A' } }, { method: 'PATCH', suffix: '', payload: { title: 'Tab B' } }],
    [{ method: 'PUT', suffix: '', payload: { title: 'Tab A' } }, { method: 'PATCH', suffix: '/complete', payload: undefined }],
    [{ method: 'DELETE', suffix: '', payload: undefined }, { method: 'PATCH', suffix: '', payload: { priority: 'high' } }],
  ] as const) {
    for (let round = 0; round < 3; round++) {
      const { task, etag } = await created(app, user);
      const results = await Promise.all(
        [first, second].map(({ method, suffix, payload }) =>
          send(method, `/api/tasks/${task.id}${suffix}`, { headers: { 'if-match': etag }, ...(payload === undefined ? {} : { payload }) }),
        ),
      );
      const [a, b] = results.map((response) => response.statusCode) as [number, number];
      const won = (status: number) => status === 200 || status === 204;
      t.equal([a, b].filter(won).length, 1, `${first.method} vs ${second.method}: one write wins (${a}, ${b})`);
      // The loser learns that the task changed (412), or, when the winner deleted it, that it is gone (404).
      const loser = won(a) ? b : a;
      t.equal(loser, won(a) && first.method === 'DELETE' ? 404 : 412, `${first.method} vs ${second.method}: the other is told why`);
      const after = await send('GET', `/api/tasks/${task.id}`);
      if (after.statusCode === 200) t.equal(after.headers.etag, '"2"', 'exactly one write applied');
    }
  }
}

t.test('racing writers with the same If-Match, in memory', async (t) => racingWriters(t, 'memory'));
t.test('racing writers with the same If-Match, on PGlite', async (t) => racingWriters(t, 'pglite'));
t.test('racing writers with the same If-Match, on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => racingWriters(t, 'postgres'));
t.test('racing writers with the same If-Match, through PgBouncer', { skip: skipWithoutPostgres }, async (t) => racingWriters(t, 'pgbouncer'));

t.test('Idempotency-Key on POST', async (t) => {
  const app = await testApp(t);

  t.test('a retry with the same key and body replays the first answer and creates nothing', async (t) => {
    const user = freshUser();
    const send = client(app, user);
    const request = { headers: { 'idempotency-key': 'retry-1' }, payload: { title: 'Pay rent', tags: ['home'] } };
    const first = await send('POST', '/api/tasks', request);
    t.equal(first.statusCode, 201);
    t.notOk('idempotent-replayed' in first.headers, 'the first answer is not a replay');
    await send('PATCH', `/api/tasks/${first.json<TaskBody>().id}`, { payload: { title: 'Renamed since' } });
    const retry = await send('POST', '/api/tasks', { ...request, payload: { tags: ['home'], title: 'Pay rent' } });
    t.equal(retry.statusCode, 201, 'same status');
    t.equal(retry.headers['idempotent-replayed'], 'true');
    t.equal(retry.body, first.body, 'same body, as first answered (field order does not matter)');
    t.equal(retry.headers.location, first.headers.location);
    t.equal(retry.headers.etag, first.headers.etag);
    t.equal((await send('GET', '/api/tasks')).json<TaskBody[]>().length, 1, 'one task');
  });

  t.test('the same key with another body is a 422 naming the header; nothing is created', async (t) => {
    const send = client(app, freshUser());
    await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'k' }, payload: { title: 'Pay rent' } });
    for (const payload of [{ title: 'Pay rent!' }, { title: 'Pay rent', priority: 'medium' }]) {
      const reused = await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'k' }, payload });
      t.equal(reused.statusCode, 422);
      t.same(problemField(reused), ['idempotency-key']);
    }
    t.equal((await send('GET', '/api/tasks')).json<TaskBody[]>().length, 1);
  });

  t.test('keys are per user', async (t) => {
    for (const user of [freshUser(), freshUser()]) {
      const response = await client(app, user)('POST', '/api/tasks', { headers: { 'idempotency-key': 'shared' }, payload: { title: user } });
      t.equal(response.statusCode, 201);
      t.notOk(response.headers['idempotent-replayed']);
    }
  });

  t.test('a refused request does not use up its key', async (t) => {
    const send = client(app, freshUser());
    const invalid = await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'fix-and-retry' }, payload: { title: '  ' } });
    t.equal(invalid.statusCode, 422);
    const fixed = await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'fix-and-retry' }, payload: { title: 'Fixed' } });
    t.equal(fixed.statusCode, 201);
    t.notOk(fixed.headers['idempotent-replayed']);
  });

  t.test('a key must have 1 to 255 characters', async (t) => {
    const send = client(app, freshUser());
    for (const key of ['', 'k'.repeat(256)]) {
      const response = await send('POST', '/api/tasks', { headers: { 'idempotency-key': key }, payload: { title: 'x' } });
      t.equal(response.statusCode, 422, `${key.length} characters`);
      t.same(problemField(response), ['idempotency-key']);
    }
    const longest = await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'k'.repeat(255) }, payload: { title: 'x' } });
    t.equal(longest.statusCode, 201, '255 characters');
  });
});

/** A repository whose inserts wait until the test lets them go: a create caught in flight. */
class GatedRepository extends InMemoryTaskRepository {
  #gates: (() => void)[] = [];
  #entered: (() => void)[] = [];

  /** Resolves once an insert is waiting at the gate. */
  inserting(): Promise<void> {
    return new Promise((resolve) => this.#entered.push(resolve));
  }

  open(): void {
    for (const release of this.#gates.splice(0)) release();
  }

  override async insert(task: NewTask): Promise<Task> {
    const gate = new Promise<void>((resolve) => this.#gates.push(resolve));
    for (const entered of this.#entered.splice(0)) entered();
    await gate;
    return super.insert(task);
  }
}

t.test('while the first request with a key runs, a retry gets 409; afterwards it gets the replay', async (t) => {
  const tasks = new GatedRepository();
  const app = await testApp(t, { overrides: { tasks } });
  const send = client(app, freshUser());
  const request = { headers: { 'idempotency-key': 'slow' }, payload: { title: 'Slow' } };
  const inserting = tasks.inserting();
  const first = send('POST', '/api/tasks', request);
  await inserting;
  const during = await send('POST', '/api/tasks', request);
  t.equal(during.statusCode, 409);
  t.match(during.json(), { status: 409, type: /idempotency-key-in-flight/ });
  tasks.open();
  t.equal((await first).statusCode, 201);
  const after = await send('POST', '/api/tasks', request);
  t.equal(after.statusCode, 201);
  t.equal(after.headers['idempotent-replayed'], 'true');
});

t.test('keys expire after 24 hours: the same key then creates again', async (t) => {
  let now = new Date('2026-03-01T12:00:00.000Z');
  const app = await testApp(t, { overrides: { clock: { now: () => new Date(now) } } });
  const send = client(app, freshUser());
  await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'daily' }, payload: { title: 'Day one' } });
  now = new Date('2026-03-02T11:59:59.999Z');
  t.equal((await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'daily' }, payload: { title: 'Day two' } })).statusCode, 422, 'still remembered');
  now = new Date('2026-03-02T12:00:00.000Z');
  const later = await send('POST', '/api/tasks', { headers: { 'idempotency-key': 'daily' }, payload: { title: 'Day two' } });
  t.equal(later.statusCode, 201, 'forgotten after 24 hours');
  t.notOk(later.headers['idempotent-replayed']);
});

/** Keys live in the database, shared by every instance: here the app's PostgreSQL, direct or behind the pooler. */
function idempotencyOnPostgres(store: 'postgres' | 'pgbouncer') {
  return async (t: Test) => {
    t.test('20 parallel POSTs with one key create exactly one task', async (t) => {
      const app = await testApp(t, { store });
      const user = freshUser();
      const send = client(app, user);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => send('POST', '/api/tasks', { headers: { 'idempotency-key': 'burst' }, payload: { title: 'Once' } })),
      );
      const tasks = (await send('GET', '/api/tasks')).json<TaskBody[]>();
      t.equal(tasks.length, 1, 'one task');
      const statuses = responses.map((response) => response.statusCode);
      t.ok(statuses.every((status) => status === 201 || status === 409), `only 201 and 409 (${statuses.join(' ')})`);
      t.equal(responses.filter((response) => response.statusCode === 201 && !response.headers['idempotent-replayed']).length, 1, 'one creation');
      for (const response of responses.filter((response) => response.statusCode === 201)) {
        t.equal(response.json<TaskBody>().id, tasks[0]!.id, 'every 201 is that task');
      }
    });

    t.test('a key held by a request in flight on another instance is a 409', async (t) => {
      const connection = await (store === 'postgres' ? isolatedPostgres(t) : isolatedPgBouncer(t));
      // The app's own database is replaced by this one, which the test also reaches directly.
      const app = await testApp(t, { store, overrides: { database: connection } });
      const user = freshUser();
      const now = new Date();
      // Another instance claimed the key for the same body and is still creating the task.
      await new KyselyIdempotencyStore(connection.db).claim(
        { owner: userId(user), key: 'elsewhere', fingerprint: await fingerprintOf({ title: 'Shared' }) },
        { now, leaseUntil: new Date(now.getTime() + IDEMPOTENCY_CLAIM_LEASE_MS), expiresAt: new Date(now.getTime() + 86_400_000) },
      );
      const response = await client(app, user)('POST', '/api/tasks', { headers: { 'idempotency-key': 'elsewhere' }, payload: { title: 'Shared' } });
      t.equal(response.statusCode, 409);
      t.equal((await client(app, user)('GET', '/api/tasks')).json<TaskBody[]>().length, 0, 'nothing created');
    });
  };
}

t.test('idempotency keys on PostgreSQL', { skip: skipWithoutPostgres }, idempotencyOnPostgres('postgres'));
t.test('idempotency keys through PgBouncer in transaction mode', { skip: skipWithoutPostgres }, idempotencyOnPostgres('pgbouncer'));
