import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import type { ChangesPage, Task, TaskChange } from '../../src/index.js';

export interface ScriptedBehaviour {
  /** What `GET /api/tasks/events` answers: the stream, or an error status. */
  events: 'stream' | number;
  /** Ends each stream after this many events (as the API does when the token expires). */
  endStreamAfter: number | null;
  /** Cursors answered with 410 on both routes. */
  expired: Set<string>;
  /** Keep-alive comments every this many milliseconds; null: none. */
  keepAliveMs: number | null;
}

export interface ScriptedRequest {
  readonly path: string;
  readonly lastEventId: string | undefined;
  readonly since: string | null;
  readonly token: string | undefined;
}

const task = (id: number, title: string): Task => ({
  id,
  user_id: 'alice',
  title,
  description: null,
  completed: false,
  priority: 'medium',
  tags: [],
  due_date: null,
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

/**
 * A stand-in that speaks contract §9 (the change feed and the event stream) for one user, with behaviours a test can
 * turn on: it tests the client's side of the protocol while the real routes do not exist yet.
 */
export async function startScriptedLiveApi(t: Test, behaviour: Partial<ScriptedBehaviour> = {}) {
  const script: ScriptedBehaviour = { events: 'stream', endStreamAfter: null, expired: new Set(), keepAliveMs: null, ...behaviour };
  const tasks = new Map<number, Task>();
  const log: { seq: number; change: TaskChange }[] = [];
  const streams = new Set<(entry: { seq: number; change: TaskChange }) => void>();
  const requests: ScriptedRequest[] = [];
  let seq = 0;

  const cursorOf = (n: number) => `c${n}`;
  const seqOf = (cursor: string) => Number(cursor.slice(1));
  const problem = (response: ServerResponse, status: number, slug: string) =>
    response
      .writeHead(status, { 'content-type': 'application/problem+json' })
      .end(JSON.stringify({ type: `urn:todo-api:problem:${slug}`, title: slug, status, detail: `scripted ${status}` }));
  const refused = (cursor: string | null) => cursor !== null && (script.expired.has(cursor) || !/^c\d+$/.test(cursor));

  function feed(since: string | null): ChangesPage {
    if (since === null) {
      return { changes: [...tasks.values()].map((value) => ({ type: 'upsert', task: value })), cursor: cursorOf(seq), has_more: false };
    }
    const after = log.filter((entry) => entry.seq > seqOf(since));
    // One page of at most two changes, so that clients must follow has_more.
    const page = after.slice(0, 2);
    return { changes: page.map((entry) => entry.change), cursor: cursorOf(page.at(-1)?.seq ?? seqOf(since)), has_more: after.length > 2 };
  }

  function stream(request: IncomingMessage, response: ServerResponse, from: string) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    response.flushHeaders();
    let sent = 0;
    const send = (entry: { seq: number; change: TaskChange }) => {
      response.write(`event: change\nid: ${cursorOf(entry.seq)}\ndata: ${JSON.stringify(entry.change)}\n\n`);
      sent += 1;
      if (script.endStreamAfter !== null && sent >= script.endStreamAfter) close();
    };
    const keepAlive = script.keepAliveMs === null ? undefined : setInterval(() => response.write(': keep-alive\n\n'), script.keepAliveMs);
    const close = () => {
      streams.delete(send);
      clearInterval(keepAlive);
      response.end();
    };
    request.on('close', close);
    streams.add(send);
    for (const entry of log.filter((entry) => entry.seq > seqOf(from))) {
      if (response.writableEnded) break;
      send(entry);
    }
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://scripted');
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    const lastEventId = request.headers['last-event-id'] as string | undefined;
    const since = url.searchParams.get('since');
    requests.push({ path: url.pathname, lastEventId, since, token });
    if (token === undefined || token.startsWith('refused')) return problem(response, 401, 'unauthorized');
    if (url.pathname === '/api/tasks/changes') {
      if (refused(since)) return problem(response, 410, 'cursor-expired');
      return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(feed(since)));
    }
    if (url.pathname === '/api/tasks/events') {
      if (script.events !== 'stream') return problem(response, script.events, 'scripted');
      const from = lastEventId ?? since ?? cursorOf(seq);
      if (refused(from)) return problem(response, 410, 'cursor-expired');
      return stream(request, response, from);
    }
    return problem(response, 404, 'not-found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const record = (change: TaskChange) => {
    seq += 1;
    const entry = { seq, change };
    log.push(entry);
    for (const send of [...streams]) send(entry);
  };

  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script,
    requests,
    get cursor() {
      return cursorOf(seq);
    },
    get openStreams() {
      return streams.size;
    },
    upsert(id: number, title: string) {
      const value = task(id, title);
      tasks.set(id, value);
      record({ type: 'upsert', task: value });
      return value;
    },
    remove(id: number) {
      tasks.delete(id);
      record({ type: 'delete', id });
    },
  };
}
