import { errorOf, TodoApiError } from './errors.js';
import { EventStreamParser } from './event-stream.js';
import type { ChangesPage, TaskChange } from './live-types.js';
import { delay, retryAfterMs, type Transport } from './transport.js';

export const EVENTS_PATH = '/api/tasks/events';

/** Receives each change in the order the writes committed; the next waits until a returned promise settles. */
export type ChangeListener = (change: TaskChange) => void | Promise<void>;

export interface WatchOptions {
  /** A cursor (of `changes()` or an earlier change); without one, only the changes made from now on are reported. */
  readonly since?: string | undefined;
  /** Stops watching; the promise `watch()` returned then resolves. */
  readonly signal?: AbortSignal | undefined;
  /** How often the change feed is read while the event stream is unavailable (default 5 s). */
  readonly pollIntervalMs?: number;
  /** A stream silent this long (no change, no keep-alive) counts as dropped (default 60 s; the API speaks every 25 s). */
  readonly idleTimeoutMs?: number;
}

/** Reads one page of the change feed. */
export type FeedReader = (since: string | undefined, signal: AbortSignal | undefined) => Promise<ChangesPage>;

type StreamOutcome =
  /** The server ended the stream (it does when the token expires). */
  | { readonly kind: 'ended'; readonly healthy: boolean }
  /** The connection failed or fell silent. */
  | { readonly kind: 'dropped' }
  /** The server answered with an error status. */
  | { readonly kind: 'refused'; readonly error: TodoApiError; readonly retryAfterMs: number | null }
  /** The server answered, but not with an event stream (an API without the live routes, a proxy in the way). */
  | { readonly kind: 'unsupported' };

/** A stream that lasted this long, or delivered a change, was working: the next connection needs no backoff. */
const HEALTHY_STREAM_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 30_000;
/**
 * Answers meaning the API has no event stream: the feed is polled instead for the rest of the watch. 422 is among
 * them because an API without the route takes `/api/tasks/events` for `/api/tasks/{id}` with a malformed id; the
 * stream itself answers a bad cursor with 410.
 */
const STREAM_MISSING = new Set([404, 405, 422, 501]);

const isTransient = (error: unknown): boolean =>
  error instanceof TodoApiError && (error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500);

/** The wait before reconnection attempt `failures`: doubling from 1 s up to 30 s, with jitter. */
const reconnectDelay = (failures: number): number => {
  const ceiling = Math.min(MAX_RECONNECT_DELAY_MS, 1000 * 2 ** (failures - 1));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
};

/** Reads the event stream from `cursor` until it ends, fails or `signal` aborts, handing each change to `onChange`. */
async function readStream(
  transport: Transport,
  cursor: string,
  onChange: ChangeListener,
  onCursor: (cursor: string) => void,
  idleTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<StreamOutcome> {
  const connection = new AbortController();
  const stop = () => connection.abort(signal?.reason);
  signal?.addEventListener('abort', stop, { once: true });
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const expectActivity = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => connection.abort(new Error('the event stream fell silent')), idleTimeoutMs);
  };
  const openedAt = Date.now();
  let delivered = false;
  try {
    expectActivity();
    let response: Response;
    try {
      response = await transport.open(transport.url(EVENTS_PATH), {
        headers: { accept: 'text/event-stream', 'last-event-id': cursor, ...(await transport.authorization()) },
        signal: connection.signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { kind: 'dropped' };
    }
    if (!response.ok) {
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      return { kind: 'refused', error: await errorOf(response), retryAfterMs: retryAfter };
    }
    if (response.body === null || !/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel();
      return { kind: 'unsupported' };
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new EventStreamParser();
    for (;;) {
      const chunk = await reader.read().catch((error: unknown) => {
        if (signal?.aborted) throw error;
        return null;
      });
      if (chunk === null) return { kind: 'dropped' };
      if (chunk.done) break;
      clearTimeout(idleTimer);
      for (const event of parser.push(decoder.decode(chunk.value as Uint8Array, { stream: true }))) {
        if (event.type !== 'change') continue;
        await onChange(JSON.parse(event.data) as TaskChange);
        delivered = true;
        if (event.lastEventId !== '') onCursor(event.lastEventId);
      }
      expectActivity();
    }
    return { kind: 'ended', healthy: delivered || Date.now() - openedAt >= HEALTHY_STREAM_MS };
  } finally {
    clearTimeout(idleTimer);
    signal?.removeEventListener('abort', stop);
    // Releases the connection when the listener threw in the middle of the stream.
    connection.abort();
  }
}

/**
 * Keeps `onChange` up to date with the caller's changes: the event stream, resumed with `Last-Event-ID` after every
 * drop or end (with a fresh token), the change feed while the stream is down or missing, and a full sync (every
 * current task as an upsert) when the API no longer knows the cursor (410). Resolves when `signal` aborts; rejects when
 * the API refuses for good (401 with a fresh token, 403) or when `onChange` throws.
 */
export async function watchChanges(
  transport: Transport,
  readFeed: FeedReader,
  onChange: ChangeListener,
  options: WatchOptions = {},
): Promise<void> {
  const { signal } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;

  /** Follows the feed from `since` to its end; returns the cursor after the last change. */
  const drain = async (since: string | undefined, deliver: boolean): Promise<string> => {
    let cursor = since;
    for (;;) {
      const page = await readFeed(cursor, signal);
      if (deliver) for (const change of page.changes) await onChange(change);
      cursor = page.cursor;
      if (!page.has_more) return cursor;
    }
  };
  const fullSync = () => drain(undefined, true);
  const catchUp = async (cursor: string): Promise<string> => {
    try {
      return await drain(cursor, true);
    } catch (error) {
      if (error instanceof TodoApiError && error.status === 410) return fullSync();
      throw error;
    }
  };
  /** Polls the feed until `ms` have passed; transient failures of the feed are waited out too. */
  const pollFor = async (cursor: string, ms: number): Promise<string> => {
    const until = Date.now() + ms;
    let current = cursor;
    do {
      try {
        current = await catchUp(current);
      } catch (error) {
        if (!isTransient(error)) throw error;
      }
      await delay(Math.max(0, Math.min(pollIntervalMs, until - Date.now())), signal);
    } while (Date.now() < until);
    return current;
  };

  if (signal?.aborted) return;
  try {
    // Without `since`, "from now" is the cursor at the end of a full sync whose tasks are not reported.
    let cursor = options.since ?? (await drain(undefined, false));
    let streamExists = true;
    let failures = 0;
    let refusedToken = false;
    while (!signal?.aborted) {
      if (!streamExists) {
        cursor = await pollFor(cursor, pollIntervalMs);
        continue;
      }
      const outcome = await readStream(transport, cursor, onChange, (next) => (cursor = next), idleTimeoutMs, signal);
      const tokenRefused = outcome.kind === 'refused' && outcome.error.status === 401;
      if (tokenRefused && refusedToken) throw outcome.error;
      refusedToken = tokenRefused;
      let wait: number;
      if (outcome.kind === 'ended') {
        failures = outcome.healthy ? 0 : failures + 1;
        if (failures === 0) continue;
        wait = reconnectDelay(failures);
      } else if (outcome.kind === 'unsupported') {
        streamExists = false;
        continue;
      } else if (outcome.kind === 'dropped') {
        failures += 1;
        wait = reconnectDelay(failures);
      } else {
        const { error } = outcome;
        if (error.status === 410) {
          cursor = await fullSync();
          continue;
        }
        // The token may have expired on the way: the next connection fetches a fresh one (a second 401 ends the watch).
        if (tokenRefused) continue;
        if (STREAM_MISSING.has(error.status)) {
          streamExists = false;
          continue;
        }
        if (!isTransient(error)) throw error;
        failures += 1;
        wait = Math.max(outcome.retryAfterMs ?? 0, reconnectDelay(failures));
      }
      // Until the stream is back, the feed keeps the caller up to date.
      cursor = await pollFor(cursor, wait);
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
}
