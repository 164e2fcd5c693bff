import { InMemoryTaskRepository } from '@todo/adapters';
import { RepositoryUnavailableError } from '@todo/application';
import t from 'tap';
import { NETWORK_ERROR_TYPE } from '../src/errors.js';
import { TodoApiError } from '../src/index.js';
import { clientFor, startApi, urlOf } from './support/live-api.js';

type Fetch = typeof globalThis.fetch;

/** Sends requests on to the real API; `failures` decides, per request number, to drop it before or after the server saw it. */
function faultyFetch(failures: Record<number, 'before' | 'after'>) {
  const sent: { method: string; url: string; headers: Headers }[] = [];
  const fetch: Fetch = async (input, init = {}) => {
    sent.push({ method: init.method ?? 'GET', url: urlOf(input), headers: new Headers(init.headers) });
    const failure = failures[sent.length];
    if (failure === 'before') throw new TypeError('fetch failed');
    const response = await globalThis.fetch(input, init);
    if (failure === 'after') throw new TypeError('fetch failed: the connection dropped before the answer');
    return response;
  };
  return { fetch, sent };
}

t.test('a read that met a network error is sent again and succeeds', async (t) => {
  const { baseUrl } = await startApi(t);
  const { fetch, sent } = faultyFetch({ 1: 'before' });
  t.strictSame((await clientFor(baseUrl, 'alice', { fetch }).tasks.list()).tasks, []);
  t.equal(sent.length, 2);
});

t.test('a create whose answer was lost is sent again with the same Idempotency-Key and creates one task', async (t) => {
  const { baseUrl } = await startApi(t);
  const { fetch, sent } = faultyFetch({ 1: 'after' });
  const { tasks } = clientFor(baseUrl, 'alice', { fetch });
  const task = await tasks.create({ title: 'Exactly once' });
  t.equal(sent.length, 2);
  const [first, second] = sent.map((request) => request.headers.get('idempotency-key'));
  t.ok(first);
  t.equal(second, first, 'the retry reuses the key');
  const stored = (await tasks.list()).tasks;
  t.equal(stored.length, 1, 'one task, although the server saw the request twice');
  t.strictSame(stored[0], task);
});

t.test('a flip whose answer was lost is not sent again: the error says so and the task flipped once', async (t) => {
  const { baseUrl } = await startApi(t);
  const plain = clientFor(baseUrl, 'alice').tasks;
  const task = await plain.create({ title: 'Flip once' });
  const { fetch, sent } = faultyFetch({ 1: 'after' });
  const error = (await clientFor(baseUrl, 'alice', { fetch }).tasks.complete(task.id).catch((error: unknown) => error)) as TodoApiError;
  t.ok(error instanceof TodoApiError);
  t.equal(error.status, 0);
  t.equal(error.type, NETWORK_ERROR_TYPE);
  t.match(error.detail, /cannot be reached/);
  t.equal(sent.length, 1);
  t.equal((await plain.get(task.id)).completed, true);
});

t.test('setting completion is safe to repeat: it is sent again after a lost answer', async (t) => {
  const { baseUrl } = await startApi(t);
  const plain = clientFor(baseUrl, 'alice').tasks;
  const task = await plain.create({ title: 'Set twice' });
  const { fetch, sent } = faultyFetch({ 1: 'after' });
  t.equal((await clientFor(baseUrl, 'alice', { fetch }).tasks.complete(task.id, true)).completed, true);
  t.equal(sent.length, 2);
});

t.test('retries are bounded: after `attempts` network failures, TodoApiError with status 0', async (t) => {
  let calls = 0;
  const fetch: Fetch = async () => {
    calls += 1;
    throw new TypeError('fetch failed');
  };
  const client = clientFor('http://127.0.0.1:9', 'alice', { fetch, retry: { attempts: 3, baseDelayMs: 1 } });
  const error = (await client.tasks.list().catch((error: unknown) => error)) as TodoApiError;
  t.ok(error instanceof TodoApiError);
  t.equal(error.status, 0);
  t.ok(error.cause instanceof TypeError, 'the network error is the cause');
  t.equal(calls, 3);
});

t.test('503 from a database that is down: retried after its Retry-After, then the answer', async (t) => {
  const repository = new InMemoryTaskRepository();
  const listOwned = repository.listOwned.bind(repository);
  let listings = 0;
  repository.listOwned = (owner, query) =>
    ++listings === 1 ? Promise.reject(new RepositoryUnavailableError()) : listOwned(owner, query);
  const { baseUrl } = await startApi(t, { overrides: { tasks: repository } });
  const started = Date.now();
  const page = await clientFor(baseUrl, 'alice', { retry: { maxDelayMs: 6_000 } }).tasks.list();
  t.strictSame(page.tasks, []);
  t.equal(listings, 2);
  t.ok(Date.now() - started >= 5_000, 'waited the 5 s the API asked for');
});

t.test('a Retry-After longer than maxDelayMs is not waited for: the 503 is thrown at once', async (t) => {
  const repository = new InMemoryTaskRepository();
  repository.listOwned = () => Promise.reject(new RepositoryUnavailableError());
  const { baseUrl } = await startApi(t, { overrides: { tasks: repository } });
  const started = Date.now();
  const error = (await clientFor(baseUrl, 'alice', { retry: { maxDelayMs: 1_000 } })
    .tasks.list()
    .catch((error: unknown) => error)) as TodoApiError;
  t.equal(error.status, 503);
  t.match(error.detail, /database/);
  t.ok(Date.now() - started < 1_000);
});

t.test('a 503 on a write that is not safe to repeat is not retried', async (t) => {
  const repository = new InMemoryTaskRepository();
  let deletes = 0;
  repository.deleteCompletedOwned = () => {
    deletes += 1;
    return Promise.reject(new RepositoryUnavailableError());
  };
  const { baseUrl } = await startApi(t, { overrides: { tasks: repository } });
  const error = (await clientFor(baseUrl, 'alice').tasks.clearCompleted().catch((error: unknown) => error)) as TodoApiError;
  t.equal(error.status, 503);
  t.equal(deletes, 1);
});

t.test('429 from the rate limiter: a write is retried after a short Retry-After; a long one is thrown', async (t) => {
  const { baseUrl } = await startApi(t, { env: { RATE_LIMIT_MAX: '2' } });
  const { tasks } = clientFor(baseUrl, 'alice');
  const task = await tasks.create({ title: 'limited' });
  await tasks.get(task.id);
  const started = Date.now();
  const error = (await tasks.complete(task.id).catch((error: unknown) => error)) as TodoApiError;
  t.equal(error.status, 429, 'the window lasts a minute: longer than maxDelayMs');
  t.ok(Date.now() - started < 2_000);

  let calls = 0;
  const fetch: Fetch = async (input, init) => {
    calls += 1;
    if (calls === 1) {
      return new Response(JSON.stringify({ type: 'urn:x', title: 'Too Many Requests', status: 429, detail: 'Slow down.' }), {
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '0' },
      });
    }
    return globalThis.fetch(input, init);
  };
  const { baseUrl: fresh } = await startApi(t);
  const plain = clientFor(fresh, 'alice').tasks;
  const flip = await plain.create({ title: 'flip after 429' });
  t.equal((await clientFor(fresh, 'alice', { fetch }).tasks.complete(flip.id)).completed, true);
  t.equal(calls, 2);
  t.equal((await plain.get(flip.id)).completed, true, 'flipped exactly once');
});
