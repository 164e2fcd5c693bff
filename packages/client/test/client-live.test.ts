import t from 'tap';
import { TodoApiError, type Task, type TaskChange } from '../src/index.js';
import { clientFor, startApi, urlOf } from './support/live-api.js';

// Contract §9 against the real app. The routes (GET /api/tasks/changes, GET /api/tasks/events) arrive with issue 10:
// until then every test here is marked todo, and fails fast (404).

type Fetch = typeof globalThis.fetch;

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const describe = (change: TaskChange) => (change.type === 'upsert' ? `upsert ${change.task.title}` : `delete ${change.id}`);

/** Applies changes to a map of tasks by id, as a frontend's store would. */
function apply(state: Map<number, Task>, change: TaskChange) {
  if (change.type === 'upsert') state.set(change.task.id, change.task);
  else state.delete(change.id);
}

/** Starts a watch of `userId`'s changes; `received` fills as they arrive. */
function startWatch(baseUrl: string, userId: string, options: { since?: string; fetch?: Fetch } = {}) {
  const { fetch, since } = options;
  const controller = new AbortController();
  const received: TaskChange[] = [];
  const client = clientFor(baseUrl, userId, fetch === undefined ? {} : { fetch });
  const done = client.tasks.watch((change) => void received.push(change), { since, signal: controller.signal, pollIntervalMs: 100 });
  // A test that does not await `done` fails on its own assertions; this only keeps a rejection from ending the process.
  done.catch(() => {});
  return { received, done, stop: () => controller.abort() };
}

t.test('changes() without since is a full sync: every current task as an upsert, and a cursor', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const a = await tasks.create({ title: 'a' });
  const b = await tasks.create({ title: 'b' });
  const page = await tasks.changes();
  t.equal(page.has_more, false);
  t.type(page.cursor, 'string');
  t.strictSame(
    page.changes.map((change) => (change.type === 'upsert' ? change.task.id : -1)).sort(),
    [a.id, b.id].sort(),
  );
  t.ok(page.changes.every((change) => change.type === 'upsert'), 'no deletes in a full sync');
});

t.test('changes(cursor): later writes in commit order, each task once at its latest write, deletes and bulk actions too', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const a = await tasks.create({ title: 'a' });
  const b = await tasks.create({ title: 'b' });
  const c = await tasks.create({ title: 'c' });
  const { cursor } = await tasks.changes();
  await tasks.update(a.id, { title: 'a2' });
  await tasks.complete(b.id);
  await tasks.delete(c.id);
  await tasks.update(a.id, { title: 'a3' });
  const page = await tasks.changes(cursor);
  t.strictSame(page.changes.map(describe), ['upsert b', `delete ${c.id}`, 'upsert a3']);

  await tasks.completeMany([a.id], true);
  const cleared = await tasks.changes(page.cursor);
  t.strictSame(cleared.changes.map(describe), ['upsert a3']);
  await tasks.clearCompleted();
  const last = await tasks.changes(cleared.cursor);
  t.strictSame(last.changes.map(describe).sort(), [`delete ${a.id}`, `delete ${b.id}`].sort());
  t.strictSame((await tasks.changes(last.cursor)).changes, [], 'nothing after the last write');
});

t.test('following the feed from a full sync ends with exactly the tasks GET /tasks returns', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  for (let index = 0; index < 5; index++) await tasks.create({ title: `seed ${index}` });
  const state = new Map<number, Task>();
  let page = await tasks.changes();
  page.changes.forEach((change) => apply(state, change));
  while (page.has_more) {
    page = await tasks.changes(page.cursor);
    page.changes.forEach((change) => apply(state, change));
  }
  const seeded = (await tasks.list()).tasks;
  await tasks.delete(seeded[0]!.id);
  await tasks.update(seeded[1]!.id, { tags: ['moved'] });
  await tasks.create({ title: 'new' });
  await tasks.completeMany([seeded[2]!.id, seeded[3]!.id], true);
  do {
    page = await tasks.changes(page.cursor);
    page.changes.forEach((change) => apply(state, change));
  } while (page.has_more);
  const expected = (await tasks.list()).tasks.sort((x, y) => x.id - y.id);
  t.strictSame([...state.values()].sort((x, y) => x.id - y.id), expected);
});

t.test('a malformed cursor is 410 problem+json whose type ends with cursor-expired', async (t) => {
  const { baseUrl } = await startApi(t);
  const error = (await clientFor(baseUrl, 'alice').tasks.changes('not-a-cursor').catch((error: unknown) => error)) as TodoApiError;
  t.ok(error instanceof TodoApiError);
  t.equal(error.status, 410);
  t.match(error.type, /cursor-expired$/);
});

t.test('watch delivers the writes of another tab of the same user, in order, and resolves when aborted', async (t) => {
  const { baseUrl } = await startApi(t);
  const other = clientFor(baseUrl, 'alice').tasks;
  const before = await other.create({ title: 'before the watch' });
  const watch = startWatch(baseUrl, 'alice');
  t.teardown(watch.stop);
  // The watch starts from now; give it time to connect, then write.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const created = await other.create({ title: 'live' });
  await other.complete(created.id);
  await other.delete(before.id);
  await until(() => watch.received.length >= 3);
  t.strictSame(watch.received.map(describe), ['upsert live', 'upsert live', `delete ${before.id}`]);
  t.equal(watch.received[1]?.type === 'upsert' && watch.received[1].task.completed, true);
  watch.stop();
  await t.resolves(watch.done);
});

t.test("watch never reports another user's changes", async (t) => {
  const { baseUrl } = await startApi(t);
  const watch = startWatch(baseUrl, 'alice');
  t.teardown(watch.stop);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await clientFor(baseUrl, 'bob').tasks.create({ title: "bob's" });
  await clientFor(baseUrl, 'alice').tasks.create({ title: "alice's" });
  await until(() => watch.received.length >= 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.strictSame(watch.received.map(describe), ["upsert alice's"]);
});

t.test('watch with since replays what was missed, then goes live', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  const { cursor } = await tasks.changes();
  await tasks.create({ title: 'missed' });
  const watch = startWatch(baseUrl, 'alice', { since: cursor });
  t.teardown(watch.stop);
  await until(() => watch.received.length === 1);
  await tasks.create({ title: 'live' });
  await until(() => watch.received.length === 2);
  t.strictSame(watch.received.map(describe), ['upsert missed', 'upsert live']);
});

t.test('watch resumes a dropped stream with Last-Event-ID: nothing missed, nothing repeated', async (t) => {
  const { baseUrl } = await startApi(t);
  const lastEventIds: (string | null)[] = [];
  let cut = false;
  // The first stream breaks right after its first event, as a connection through a flaky network would.
  const fetch: Fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (!urlOf(input).includes('/api/tasks/events')) return response;
    lastEventIds.push(new Headers(init?.headers).get('last-event-id'));
    if (cut || response.body === null) return response;
    cut = true;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        controller.enqueue(value);
        text += decoder.decode(value, { stream: true });
        if (/event: change[\s\S]*?\n\n/.test(text)) {
          await reader.cancel();
          controller.error(new TypeError('network error'));
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const watch = startWatch(baseUrl, 'alice', { fetch });
  t.teardown(watch.stop);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { tasks } = clientFor(baseUrl, 'alice');
  for (const title of ['one', 'two', 'three']) await tasks.create({ title });
  await until(() => watch.received.length >= 3, 10_000);
  // The cut may come after all three events arrived in one chunk: the reconnection follows, after its backoff.
  await until(() => lastEventIds.length >= 2, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.strictSame(watch.received.map(describe), ['upsert one', 'upsert two', 'upsert three'], 'nothing missed, nothing repeated');
  t.ok(lastEventIds.length >= 2, 'reconnected');
  t.not(lastEventIds[1], lastEventIds[0], 'resumed after the event it had');
});

t.test('watch on a cursor the API does not know starts over with a full sync', async (t) => {
  const { baseUrl } = await startApi(t);
  const { tasks } = clientFor(baseUrl, 'alice');
  await tasks.create({ title: 'x' });
  await tasks.create({ title: 'y' });
  const watch = startWatch(baseUrl, 'alice', { since: 'expired-or-malformed' });
  t.teardown(watch.stop);
  await until(() => watch.received.length >= 2);
  t.strictSame(watch.received.map(describe).sort(), ['upsert x', 'upsert y']);
});

t.test('watch falls back to the change feed when the event stream is unavailable', async (t) => {
  const { baseUrl } = await startApi(t);
  const fetch: Fetch = async (input, init) =>
    urlOf(input).includes('/api/tasks/events') ? new Response('gone', { status: 404 }) : globalThis.fetch(input, init);
  const watch = startWatch(baseUrl, 'alice', { fetch });
  t.teardown(watch.stop);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await clientFor(baseUrl, 'alice').tasks.create({ title: 'polled' });
  await until(() => watch.received.length >= 1);
  t.strictSame(watch.received.map(describe), ['upsert polled']);
});
