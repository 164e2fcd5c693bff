import t from 'tap';
import { createTodoClient, TodoApiError, type TaskChange } from '../src/index.js';
import { startScriptedLiveApi } from './support/scripted-live-api.js';

/** Resolves once `condition` holds; fails the wait after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const describe = (change: TaskChange) => (change.type === 'upsert' ? `upsert ${change.task.id} ${change.task.title}` : `delete ${change.id}`);

function watcher(baseUrl: string, options: { since?: string; pollIntervalMs?: number; idleTimeoutMs?: number } = {}) {
  let tokens = 0;
  const client = createTodoClient({ baseUrl, getToken: () => `token-${(tokens += 1)}`, retry: { baseDelayMs: 5 } });
  const controller = new AbortController();
  const received: string[] = [];
  const done = client.tasks.watch((change) => void received.push(describe(change)), { ...options, signal: controller.signal });
  return { received, done, stop: () => controller.abort() };
}

t.test('without since, only what changes from now on is reported, in order; aborting resolves the promise', async (t) => {
  const api = await startScriptedLiveApi(t);
  api.upsert(1, 'before');
  const watch = watcher(api.baseUrl);
  await until(() => api.openStreams === 1);
  api.upsert(2, 'after');
  api.remove(1);
  await until(() => watch.received.length === 2);
  watch.stop();
  await t.resolves(watch.done);
  t.strictSame(watch.received, ['upsert 2 after', 'delete 1']);
  t.strictSame(
    api.requests.map((request) => [request.path, request.since, request.lastEventId ?? null]),
    [
      ['/api/tasks/changes', null, null],
      ['/api/tasks/events', null, 'c1'],
    ],
    '"now" is the cursor after a full sync that is not reported; the stream starts there',
  );
  await until(() => api.openStreams === 0);
});

t.test('when the stream ends, it reconnects with Last-Event-ID and a fresh token, missing and repeating nothing', async (t) => {
  const api = await startScriptedLiveApi(t, { endStreamAfter: 1 });
  const watch = watcher(api.baseUrl);
  await until(() => api.openStreams === 1);
  for (let id = 1; id <= 4; id++) api.upsert(id, `task ${id}`);
  await until(() => watch.received.length === 4);
  watch.stop();
  await watch.done;
  t.strictSame(watch.received, ['upsert 1 task 1', 'upsert 2 task 2', 'upsert 3 task 3', 'upsert 4 task 4']);
  const streams = api.requests.filter((request) => request.path === '/api/tasks/events');
  t.strictSame(
    streams.slice(0, 4).map((request) => request.lastEventId),
    ['c0', 'c1', 'c2', 'c3'],
    'each connection resumes after the last change delivered',
  );
  const tokens = streams.map((request) => request.token);
  t.equal(new Set(tokens).size, tokens.length, 'every connection asked for a fresh token');
});

t.test('a cursor the API no longer knows (410) starts over with a full sync: every current task as an upsert', async (t) => {
  const api = await startScriptedLiveApi(t);
  api.upsert(1, 'one');
  api.upsert(2, 'two');
  api.upsert(3, 'three');
  api.remove(3);
  const watch = watcher(api.baseUrl, { since: 'expired-cursor' });
  await until(() => watch.received.length === 2 && api.openStreams === 1);
  api.upsert(4, 'live');
  await until(() => watch.received.length === 3);
  watch.stop();
  await watch.done;
  t.strictSame(watch.received, ['upsert 1 one', 'upsert 2 two', 'upsert 4 live']);
  t.equal(api.requests[0]?.lastEventId, 'expired-cursor');
  t.match(api.requests[1], { path: '/api/tasks/changes', since: null }, 'the full sync reads the feed without since');
});

t.test('a since cursor replays what was missed, following the feed pages, then goes live', async (t) => {
  const api = await startScriptedLiveApi(t, { events: 404 });
  api.upsert(1, 'old');
  const since = api.cursor;
  api.upsert(2, 'missed a');
  api.upsert(3, 'missed b');
  api.remove(2);
  const watch = watcher(api.baseUrl, { since, pollIntervalMs: 20 });
  await until(() => watch.received.length === 3);
  api.upsert(5, 'later');
  await until(() => watch.received.length === 4);
  watch.stop();
  await watch.done;
  t.strictSame(watch.received, ['upsert 2 missed a', 'upsert 3 missed b', 'delete 2', 'upsert 5 later']);
});

for (const status of [404, 422]) {
  t.test(`when the API has no event stream (${status}), the change feed is polled instead`, async (t) => {
    const api = await startScriptedLiveApi(t, { events: status });
    const watch = watcher(api.baseUrl, { pollIntervalMs: 20 });
    await until(() => api.requests.length >= 3);
    api.upsert(1, 'polled');
    api.remove(1);
    await until(() => watch.received.length === 2);
    watch.stop();
    await watch.done;
    t.strictSame(watch.received, ['upsert 1 polled', 'delete 1']);
    t.equal(api.requests.filter((request) => request.path === '/api/tasks/events').length, 1, 'the stream is not asked again');
  });
}

t.test('while the stream is refused (503) the feed keeps delivering, and the stream is tried again', async (t) => {
  const api = await startScriptedLiveApi(t, { events: 503 });
  const watch = watcher(api.baseUrl, { pollIntervalMs: 20 });
  await until(() => api.requests.some((request) => request.path === '/api/tasks/events'));
  api.upsert(1, 'through the feed');
  await until(() => watch.received.length === 1);
  api.script.events = 'stream';
  await until(() => api.openStreams === 1);
  api.upsert(2, 'through the stream');
  await until(() => watch.received.length === 2);
  watch.stop();
  await watch.done;
  t.strictSame(watch.received, ['upsert 1 through the feed', 'upsert 2 through the stream']);
});

t.test('keep-alive comments report nothing and keep the stream open; a silent stream is dropped and reopened', async (t) => {
  const talking = await startScriptedLiveApi(t, { keepAliveMs: 20 });
  const kept = watcher(talking.baseUrl, { idleTimeoutMs: 150 });
  await until(() => talking.openStreams === 1);
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(talking.requests.filter((request) => request.path === '/api/tasks/events').length, 1, 'one connection all along');
  t.strictSame(kept.received, []);
  kept.stop();
  await kept.done;

  const silent = await startScriptedLiveApi(t);
  const dropped = watcher(silent.baseUrl, { idleTimeoutMs: 150 });
  await until(() => silent.requests.filter((request) => request.path === '/api/tasks/events').length === 2, 4_000);
  t.pass('reconnected after the silence');
  dropped.stop();
  await dropped.done;
});

t.test('a token refused twice in a row ends the watch with TodoApiError 401', async (t) => {
  const api = await startScriptedLiveApi(t);
  const client = createTodoClient({ baseUrl: api.baseUrl, getToken: () => 'refused' });
  const error = (await client.tasks.watch(() => {}, { since: 'c0' }).catch((error: unknown) => error)) as TodoApiError;
  t.ok(error instanceof TodoApiError);
  t.equal(error.status, 401);
  t.equal(api.requests.length, 2);
});

t.test('an onChange that throws ends the watch with its error and closes the stream', async (t) => {
  const api = await startScriptedLiveApi(t);
  const client = createTodoClient({ baseUrl: api.baseUrl, getToken: () => 'token' });
  const failure = new Error('the listener broke');
  const done = client.tasks.watch(() => {
    throw failure;
  });
  await until(() => api.openStreams === 1);
  api.upsert(1, 'boom');
  await t.rejects(done, failure);
  await until(() => api.openStreams === 0);
});

t.test('a watch whose signal is already aborted resolves without a request', async (t) => {
  const api = await startScriptedLiveApi(t);
  const client = createTodoClient({ baseUrl: api.baseUrl, getToken: () => 'token' });
  await t.resolves(client.tasks.watch(() => {}, { signal: AbortSignal.abort() }));
  t.equal(api.requests.length, 0);
});
