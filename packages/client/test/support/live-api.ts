import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { testApp, tokenFor, type TestAppOptions } from '../../../../apps/api/test/support/test-app.js';
import { createTodoClient, type TodoClientOptions } from '../../src/index.js';

export { tokenFor };

/** The real API (apps/api's buildApp, as main.ts builds it) listening on a free loopback port; closed when the test ends. */
export async function startApi(t: Test, options: TestAppOptions = {}) {
  const app = await testApp(t, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string | undefined;
}

/** The global fetch, recording every request it sends. */
export function recordingFetch() {
  const requests: RecordedRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    requests.push({
      method: init.method ?? 'GET',
      url: urlOf(input),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    });
    return globalThis.fetch(input, init);
  };
  return { fetch, requests };
}

/** A client of `baseUrl` acting as `userId` (a fresh HS256 token per request), with fast retries. */
export function clientFor(baseUrl: string, userId: string, options: Partial<TodoClientOptions> = {}) {
  return createTodoClient({
    baseUrl,
    getToken: () => tokenFor(userId),
    retry: { baseDelayMs: 10, maxDelayMs: 2_000 },
    ...options,
  });
}

/** The URL a fetch was called with, whatever form it took. */
export const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
