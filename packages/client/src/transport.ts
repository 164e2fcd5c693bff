import { errorOf, networkError } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first one included (default 4). */
  readonly attempts?: number;
  /** The first backoff step (default 250 ms); it doubles with each retry, with jitter. */
  readonly baseDelayMs?: number;
  /** The longest wait before a retry (default 10 s). A longer `Retry-After` is not waited for: the error is thrown. */
  readonly maxDelayMs?: number;
}

export type GetToken = () => string | Promise<string>;
export type Fetch = typeof globalThis.fetch;

export interface TransportOptions {
  readonly baseUrl: string;
  readonly getToken: GetToken;
  readonly fetch?: Fetch | undefined;
  readonly retry?: RetryOptions | undefined;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  readonly method: Method;
  /** Below the base URL: `/api/tasks/1`. */
  readonly path: string;
  readonly query?: URLSearchParams;
  /** Sent as JSON; `undefined` sends no body at all. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Sending it again has the same outcome as sending it once (reads, creates with their idempotency key, unconditional
   * updates that set fields). Only these are sent again when an attempt's outcome is unknown (no answer, 502, 503, 504).
   */
  readonly replayable: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Why `signal` aborted, as an Error (the reason given to `abort()`, when it is one). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date; `null` when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const DEFAULT_RETRY: Required<RetryOptions> = { attempts: 4, baseDelayMs: 250, maxDelayMs: 10_000 };

/** How the client talks HTTP: the base URL, a fresh token per attempt, and bounded retries. */
export class Transport {
  readonly baseUrl: string;
  readonly retry: Required<RetryOptions>;
  readonly #getToken: GetToken;
  readonly #fetch: Fetch;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#getToken = options.getToken;
    // Called unbound: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    const fetchFunction = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => fetchFunction(input, init);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  url(path: string, query?: URLSearchParams): string {
    const search = query?.toString() ?? '';
    return `${this.baseUrl}${path}${search === '' ? '' : `?${search}`}`;
  }

  /** The Authorization header with a token fetched now; none when there is no token (the API then answers 401). */
  async authorization(): Promise<Record<string, string>> {
    const token = await this.#getToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  /** The wait before the next retry: half fixed, half random, doubling with each attempt. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  /** Fetch without retries: the caller reads the status itself (the event stream does). */
  async open(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#fetch(url, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw networkError(this.baseUrl, error);
    }
  }

  /** Sends the request, retrying what is safe to retry; resolves with a 2xx (or 304) response, else throws TodoApiError. */
  async send(request: ApiRequest): Promise<Response> {
    const url = this.url(request.path, request.query);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    let tokenRefreshed = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
        ...(await this.authorization()),
      };
      let response: Response;
      try {
        response = await this.open(url, { method: request.method, headers, body, signal: request.signal });
      } catch (error) {
        if (request.signal?.aborted || !request.replayable || attempt >= this.retry.attempts) throw error;
        await delay(this.backoff(attempt), request.signal);
        continue;
      }
      if (response.ok || response.status === 304) return response;
      // The API checks the token before anything else, so a 401 changed nothing: one more try with a fresh token
      // covers a token that expired on the way.
      if (response.status === 401 && !tokenRefreshed) {
        tokenRefreshed = true;
        await response.body?.cancel();
        continue;
      }
      const wait = this.#retryDelay(response, request.replayable, attempt);
      if (wait === null) throw await errorOf(response);
      await response.body?.cancel();
      await delay(wait, request.signal);
    }
  }

  #retryDelay(response: Response, replayable: boolean, attempt: number): number | null {
    if (attempt >= this.retry.attempts) return null;
    const { status } = response;
    // 429 comes from the rate limiter, before any handler ran: retrying it is safe for every request. A 409 is a keyed
    // create whose first attempt is still running; 502–504 may have happened after the work was done.
    const retried = status === 429 || (replayable && [409, 502, 503, 504].includes(status));
    if (!retried) return null;
    const asked = retryAfterMs(response.headers.get('retry-after'));
    if (asked === null) return this.backoff(attempt);
    return asked <= this.retry.maxDelayMs ? asked : null;
  }
}
