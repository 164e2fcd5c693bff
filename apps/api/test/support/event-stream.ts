import type { AddressInfo } from 'node:net';
import type { HttpApp } from '@todo/adapters';

/** One server-sent event as the wire has it. */
export interface StreamEvent {
  readonly event: string | undefined;
  readonly id: string | undefined;
  readonly data: string;
}

/** An event stream read with `fetch`, as a browser frontend reads it. */
export interface EventStreamReader {
  readonly response: Response;
  /** The next event (comments skipped); rejects when none comes within `timeoutMs` or the stream ends first. */
  next(timeoutMs?: number): Promise<StreamEvent>;
  /** Every event that arrived within `ms`. */
  collect(ms: number): Promise<StreamEvent[]>;
  /** The comment lines seen so far (`: keep-alive` → `keep-alive`), with when each arrived. */
  readonly comments: { readonly text: string; readonly at: number }[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Listens on a free port of 127.0.0.1 and answers the base URL. */
export async function listening(app: HttpApp): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Opens an event stream; a response that is not a stream is returned as is (read its problem body). */
export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStreamReader> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: StreamEvent[] = [];
  const comments: { text: string; at: number }[] = [];
  let waiting: (() => void) | undefined;
  let finished = false;
  const ended = (async () => {
    if (!response.ok || response.body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const fields: Record<string, string[]> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push({ text: line.slice(1).trim(), at: Date.now() });
            else {
              const colon = line.indexOf(':');
              const name = colon < 0 ? line : line.slice(0, colon);
              const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              (fields[name] ??= []).push(value);
            }
          }
          if (fields['data'] !== undefined) events.push({ event: fields['event']?.[0], id: fields['id']?.[0], data: fields['data'].join('\n') });
          waiting?.();
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      finished = true;
      waiting?.();
    }
  })();

  const nextArrival = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      waiting = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });

  return {
    response,
    comments,
    ended,
    async next(timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length === 0) {
        if (finished) throw new Error('the stream ended before the next event');
        if (!(await nextArrival(deadline - Date.now())) && events.length === 0) throw new Error(`no event within ${timeoutMs} ms`);
      }
      return events.shift()!;
    },
    async collect(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return events.splice(0);
    },
    close: () => abort.abort(),
  };
}
