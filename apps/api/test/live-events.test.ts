import t from 'tap';
import { listening, openEventStream, type EventStreamReader } from './support/event-stream.js';
import { connectMcp } from './support/mcp-client.js';
import { bearer, testApp, tokenFor } from './support/test-app.js';

/** The event stream, GET /tasks/events (contract §9), read over a real socket with fetch as a browser does. */

let users = 0;
const freshUser = () => `watcher-${process.pid}-${++users}`;

interface TaskBody {
  id: number;
  title: string;
}

async function post(base: string, user: string, path: string, body?: object, method = 'POST') {
  const response = await fetch(`${base}/api/tasks${path}`, {
    method,
    headers: { ...bearer(user), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.status === 204 ? null : ((await response.json()) as TaskBody);
}

const dataOf = (event: { data: string }) => JSON.parse(event.data) as { type: string; task?: TaskBody; id?: number };

const streams: EventStreamReader[] = [];
t.afterEach(() => {
  for (const stream of streams.splice(0)) stream.close();
});
async function open(url: string, headers: Record<string, string>) {
  const stream = await openEventStream(url, headers);
  streams.push(stream);
  return stream;
}

for (const store of ['memory', 'pglite', 'postgres', 'pgbouncer'] as const) {
  const needsPostgres = (store === 'postgres' || store === 'pgbouncer') && !process.env['TEST_DATABASE_URL'];
  t.test(`the event stream on ${store}`, { skip: needsPostgres ? 'TEST_DATABASE_URL is not set' : false }, async (t) => {
    const app = await testApp(t, { store, env: { EVENTS_KEEP_ALIVE_SECONDS: '0.3' } });
    const base = await listening(app);

    t.test('a write arrives as `event: change` with the cursor as id and the change as data, within a second', async (t) => {
      const user = freshUser();
      const stream = await open(`${base}/api/tasks/events`, bearer(user));
      t.equal(stream.response.status, 200);
      t.match(stream.response.headers.get('content-type'), /^text\/event-stream/);
      t.equal(stream.response.headers.get('cache-control'), 'no-cache');
      const written = Date.now();
      const task = (await post(base, user, '', { title: 'live' }))!;
      const event = await stream.next(1000);
      t.ok(Date.now() - written < 1000, 'within a second');
      t.equal(event.event, 'change');
      t.same(dataOf(event), { type: 'upsert', task: await (await fetch(`${base}/api/tasks/${task.id}`, { headers: bearer(user) })).json() });
      t.type(event.id, 'string');
      const feed = (await (await fetch(`${base}/api/tasks/changes?since=${event.id}`, { headers: bearer(user) })).json()) as { changes: unknown[] };
      t.same(feed.changes, [], 'the id is a feed cursor just after the change');

      await post(base, user, `/${task.id}`, undefined, 'DELETE');
      t.same(dataOf(await stream.next(1000)), { type: 'delete', id: task.id });
    });

    t.test('another user\'s changes never appear', async (t) => {
      const user = freshUser();
      const stream = await open(`${base}/api/tasks/events`, bearer(user));
      const theirs = (await post(base, freshUser(), '', { title: 'not yours' }))!;
      await post(base, user, `/${theirs.id}`, { title: 'attempt' }, 'PATCH');
      const mine = (await post(base, user, '', { title: 'mine' }))!;
      const event = await stream.next(1000);
      t.same(dataOf(event).task?.id, mine.id, 'the first event is the caller\'s own write');
      t.same(await stream.collect(200), []);
    });

    t.test('Last-Event-ID replays what was missed, then goes live: no gap, no duplicate', async (t) => {
      const user = freshUser();
      const first = await open(`${base}/api/tasks/events`, bearer(user));
      const a = (await post(base, user, '', { title: 'a' }))!;
      const seen = await first.next();
      first.close();
      const b = (await post(base, user, '', { title: 'b' }))!;
      await post(base, user, `/${a.id}`, { title: 'a renamed' }, 'PATCH');
      const resumed = await open(`${base}/api/tasks/events`, { ...bearer(user), 'last-event-id': seen.id! });
      const replayed = [dataOf(await resumed.next()), dataOf(await resumed.next())];
      t.same(replayed.map((change) => change.task?.title), ['b', 'a renamed'], 'missed changes, in order');
      const c = (await post(base, user, '', { title: 'c' }))!;
      t.same(dataOf(await resumed.next()).task?.id, c.id, 'then live');
      t.same(await resumed.collect(200), [], 'nothing twice');

      const bySince = await open(`${base}/api/tasks/events?since=${encodeURIComponent(seen.id!)}`, bearer(user));
      t.same([dataOf(await bySince.next()).task?.id, dataOf(await bySince.next()).task?.id, dataOf(await bySince.next()).task?.id], [b.id, a.id, c.id], '?since= does the same');
    });

    t.test('an expired, malformed or foreign Last-Event-ID is 410 problem+json, not a stream', async (t) => {
      const user = freshUser();
      const theirs = await open(`${base}/api/tasks/events`, bearer(freshUser()));
      theirs.close();
      const foreignCursor = (await (await fetch(`${base}/api/tasks/changes`, { headers: bearer(freshUser()) })).json()) as { cursor: string };
      for (const id of ['garbage', foreignCursor.cursor]) {
        const stream = await open(`${base}/api/tasks/events`, { ...bearer(user), 'last-event-id': id });
        t.equal(stream.response.status, 410);
        t.match(stream.response.headers.get('content-type'), /application\/problem\+json/);
        t.match(await stream.response.json(), { status: 410, type: /cursor-expired$/ });
      }
    });

    t.test('an idle stream sends `: keep-alive` comments', async (t) => {
      const stream = await open(`${base}/api/tasks/events`, bearer(freshUser()));
      await stream.collect(1000);
      const keepAlives = stream.comments.filter((comment) => comment.text === 'keep-alive');
      t.ok(keepAlives.length >= 3, `${keepAlives.length} keep-alives in a second, every 0.3 s`);
      const gaps = keepAlives.slice(1).map((comment, index) => comment.at - keepAlives[index]!.at);
      t.ok(gaps.every((gap) => gap < 600), `gaps ${gaps.join(', ')} ms`);
    });

    t.test('the stream ends when the token expires', async (t) => {
      const user = freshUser();
      const stream = await open(`${base}/api/tasks/events`, { authorization: `Bearer ${tokenFor(user, 2)}` });
      t.equal(stream.response.status, 200);
      const opened = Date.now();
      await stream.ended;
      const lasted = Date.now() - opened;
      t.ok(lasted > 500 && lasted < 3500, `ended after ${lasted} ms, at the token's exp`);
    });

    t.test('a token valid for longer than a timer can hold (60 days) keeps its stream open', async (t) => {
      const stream = await open(`${base}/api/tasks/events`, { authorization: `Bearer ${tokenFor(freshUser(), 60 * 24 * 3600)}` });
      t.equal(stream.response.status, 200);
      const ended = await Promise.race([stream.ended.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 500))]);
      t.equal(ended, false, 'still open');
    });

    t.test('at most 10 streams per user: the 11th is 429 with Retry-After; closing one frees a place', async (t) => {
      const user = freshUser();
      const open10 = await Promise.all(Array.from({ length: 10 }, () => open(`${base}/api/tasks/events`, bearer(user))));
      t.ok(open10.every((stream) => stream.response.status === 200));
      const eleventh = await open(`${base}/api/tasks/events`, bearer(user));
      t.equal(eleventh.response.status, 429);
      t.ok(Number(eleventh.response.headers.get('retry-after')) > 0, 'Retry-After');
      t.match(await eleventh.response.json(), { status: 429 });
      const other = await open(`${base}/api/tasks/events`, bearer(freshUser()));
      t.equal(other.response.status, 200, 'another user is not limited by it');
      open10[0]!.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await open(`${base}/api/tasks/events`, bearer(user));
      t.equal(again.response.status, 200, 'a closed stream frees its place');
    });

    t.test('the compat mount streams the same changes', async (t) => {
      const user = freshUser();
      const stream = await open(`${base}/api/${user}/tasks/events`, bearer(user));
      t.equal(stream.response.status, 200);
      const task = (await post(base, user, '', { title: 'compat' }))!;
      t.equal(dataOf(await stream.next()).task?.id, task.id);
    });

    t.test('no token is 401, a token in the query string is not read', async (t) => {
      t.equal((await open(`${base}/api/tasks/events`, {})).response.status, 401);
      t.equal((await open(`${base}/api/tasks/events?access_token=${tokenFor('x')}`, {})).response.status, 401, 'unauthenticated');
    });
  });
}

t.test('closing the app ends open streams and still finishes in time', async (t) => {
  const app = await testApp(t);
  const base = await listening(app);
  const open3 = await Promise.all(Array.from({ length: 3 }, () => open(`${base}/api/tasks/events`, bearer(freshUser()))));
  const started = Date.now();
  await app.close();
  t.ok(Date.now() - started < 2000, `closed in ${Date.now() - started} ms`);
  await Promise.all(open3.map((stream) => stream.ended));
  t.pass('every stream ended');
  t.equal(app.openEventStreams(), 0);
});

t.test('writes made by an AI agent through MCP are ordinary writes: they reach the stream and the feed', async (t) => {
  const app = await testApp(t);
  const base = await listening(app);
  const user = freshUser();
  const stream = await open(`${base}/api/tasks/events`, bearer(user));
  const start = (await (await fetch(`${base}/api/tasks/changes`, { headers: bearer(user) })).json()) as { cursor: string };
  const mcp = await connectMcp(t, app, { user });
  const added = (await mcp.call('add_task', { title: 'from an agent' })).structuredContent as unknown as TaskBody;
  await mcp.call('complete_task', { id: added.id });
  t.same(dataOf(await stream.next()).task?.title, 'from an agent');
  const completed = dataOf(await stream.next());
  t.match(completed, { type: 'upsert', task: { id: added.id, completed: true } });
  await mcp.call('delete_task', { id: added.id });
  t.same(dataOf(await stream.next()), { type: 'delete', id: added.id });
  const feed = (await (await fetch(`${base}/api/tasks/changes?since=${start.cursor}`, { headers: bearer(user) })).json()) as { changes: unknown[] };
  t.same(feed.changes, [{ type: 'delete', id: added.id }], 'the feed has it too, compacted');
});

t.test('/metrics counts the event streams open', async (t) => {
  const token = 'metrics-token-that-is-long-enough-0123456789';
  const app = await testApp(t, { env: { METRICS_TOKEN: token } });
  const base = await listening(app);
  const gauge = async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    return Number(/^event_streams_open (\d+)$/m.exec(text)?.[1]);
  };
  t.equal(await gauge(), 0);
  const two = [await open(`${base}/api/tasks/events`, bearer(freshUser())), await open(`${base}/api/tasks/events`, bearer(freshUser()))];
  t.equal(await gauge(), 2);
  two[0]!.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(await gauge(), 1, 'a closed stream is no longer counted');
});
