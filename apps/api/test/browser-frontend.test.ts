import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import t, { type Test } from 'tap';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../test/support/chromium.js';
import { testApp, tokenFor } from './support/test-app.js';

/**
 * A real browser (Debian's Chromium, driven by playwright-core) runs a page served from another origin that
 * uses the API the way frontends do: `fetch` with `credentials: 'include'` and a bearer token, through real
 * CORS preflights. Nothing is mocked: the browser enforces CORS, so a missing header fails the fetch.
 */

const chromiumMissing = !existsSync(CHROMIUM);
// Outside CI a developer without Chromium may skip this file; in CI a missing browser is a broken setup and fails.
const skip = chromiumMissing && !process.env['CI'] ? `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)` : false;

/** The frontend: what a `lib/api.ts` does, minus the framework. Every answer is reported as plain data. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Todo frontend</title>
<script>
  // A session cookie of the frontend's own, as Better Auth sets one: credentials: 'include' sends it along.
  document.cookie = 'better-auth.session_token=set-by-the-page; path=/';

  async function call(method, url, { token, body, contentType } = {}) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined || contentType) headers['Content-Type'] = 'application/json';
    try {
      const response = await fetch(url, {
        method,
        credentials: 'include',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        location: response.headers.get('Location'),
        etag: response.headers.get('ETag'),
        contentType: response.headers.get('Content-Type'),
        text,
        json: text ? JSON.parse(text) : null,
      };
    } catch (error) {
      return { error: error.name + ': ' + error.message };
    }
  }

  window.runScenario = async (api, collection, token) => {
    const url = api + collection;
    const create = await call('POST', url, { token, body: { title: 'From the browser', description: 'kept' } });
    if (create.error || create.status !== 201) return { create };
    const task = url + '/' + create.json.id;
    return {
      create,
      list: await call('GET', url, { token }),
      toggleWithEmptyJson: await call('PATCH', task + '/complete', { token, contentType: true }),
      toggleWithEmptyObject: await call('PATCH', task + '/complete', { token, body: {} }),
      partialPut: await call('PUT', task, { token, body: { priority: 'high' } }),
      patch: await call('PATCH', task, { token, body: { title: 'Renamed in the browser' } }),
      invalid: await call('POST', url, { token, body: { title: '  ' } }),
      cookieWithoutToken: await call('GET', url),
      remove: await call('DELETE', task, { token, contentType: true }),
      gone: await call('GET', task, { token }),
    };
  };
</script>`;

/** A tiny static server for the page: its own origin, so every API call is cross-origin. */
async function pageServer(t: Test): Promise<string> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function launchChromium(t: Test): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'todo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: CHROMIUM_ARGS,
  });
  t.teardown(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  return context;
}

/** One fetch as the page reports it: the answer, or the error the browser raised. */
interface Call {
  status?: number;
  location?: string | null;
  etag?: string | null;
  contentType?: string | null;
  text?: string;
  json?: unknown;
  error?: string;
}

type Scenario = Record<
  'create' | 'list' | 'toggleWithEmptyJson' | 'toggleWithEmptyObject' | 'partialPut' | 'patch' | 'invalid' | 'cookieWithoutToken' | 'remove' | 'gone',
  Call
>;

const runScenario = (api: string, collection: string, token: string) =>
  `window.runScenario(${JSON.stringify(api)}, ${JSON.stringify(collection)}, ${JSON.stringify(token)})`;

t.test('a frontend on another origin uses the API from Chromium, with credentials: include', { skip }, async (t) => {
  if (chromiumMissing) {
    t.fail(`Chromium is missing at ${CHROMIUM} and CI is set: .ci/run installs it with apt-get install -y chromium`);
    return;
  }
  const frontend = await pageServer(t);
  const stranger = await pageServer(t);
  const app = await testApp(t, { env: { CORS_ORIGINS: frontend } });
  const api = await app.listen({ port: 0, host: '127.0.0.1' });
  const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  app.server.on('request', (request) => seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers }));

  const context = await launchChromium(t);
  const page = await context.newPage();
  await page.goto(`${frontend}/`);

  const user = 'browser-user';
  const token = tokenFor(user);
  for (const collection of ['/api/tasks', `/api/${user}/tasks`]) {
    t.test(`create, list, toggle, update and delete through ${collection}`, async (t) => {
      const { create, list, toggleWithEmptyJson, toggleWithEmptyObject, partialPut, patch, invalid, cookieWithoutToken, remove, gone } =
        await page.evaluate<Scenario>(runScenario(api, collection, token));

      if (!t.equal(create.status, 201, create.error ?? 'created')) return;
      const { id } = create.json as { id: number };
      t.equal(create.location, `${collection}/${id}`, 'Location is readable by the script');
      t.equal(create.etag, '"1"', 'ETag is readable by the script');

      t.equal(list.status, 200);
      t.ok((list.json as { id: number }[]).some((task) => task.id === id), 'the list holds the new task');

      t.match(toggleWithEmptyJson, { status: 200, json: { completed: true } }, 'an empty JSON body flips');
      t.match(toggleWithEmptyObject, { status: 200, json: { completed: false } }, '{} flips');
      t.match(partialPut, { status: 200, json: { priority: 'high', title: 'From the browser', description: 'kept' } }, 'a partial PUT keeps the rest');
      t.match(patch, { status: 200, json: { title: 'Renamed in the browser', priority: 'high' } });

      t.match(invalid, { status: 422, contentType: /^application\/problem\+json/, json: { detail: 'title: must not be empty' } }, 'the 422 detail is readable');
      t.match(cookieWithoutToken, { status: 401, json: { detail: 'A valid bearer token is required.' } }, 'a cookie alone authenticates nobody');

      t.match(remove, { status: 204, text: '' }, 'DELETE: 204, no body');
      t.match(gone, { status: 404, json: { detail: 'No such task.' } }, 'the error body is readable');
    });
  }

  t.test('the browser preflighted, sent the page cookie along, and the API answered without reading it', async (t) => {
    const preflights = seen.filter((request) => request.method === 'OPTIONS');
    t.ok(preflights.length > 0, 'real CORS preflights were made');
    t.ok(preflights.every((request) => request.headers.origin === frontend), 'from the page origin');
    const actual = seen.filter((request) => request.method !== 'OPTIONS');
    t.ok(actual.length >= 20, `every call reached the API (${actual.length})`);
    t.ok(actual.every((request) => request.headers.cookie?.includes('better-auth.session_token=set-by-the-page')), 'with the cookie: credentials were included');
  });

  t.test('a page on an origin that is not listed cannot read any answer', async (t) => {
    const foreign = await context.newPage();
    await foreign.goto(`${stranger}/`);
    const { create } = await foreign.evaluate<Scenario>(runScenario(api, '/api/tasks', token));
    t.match(create, { error: /^TypeError/ }, 'the browser refuses the call');
    t.notOk(
      seen.some((request) => request.method === 'POST' && request.headers.origin === stranger),
      'its preflight was refused, so the create never reached the API',
    );
  });
});
