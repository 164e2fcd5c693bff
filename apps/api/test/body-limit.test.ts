import type { AddressInfo } from 'node:net';
import type { HttpApp } from '@todo/adapters';
import t, { type Test } from 'tap';
import { bearer, testApp } from './support/test-app.js';
import { upload, type UploadResult } from './support/upload.js';

const MB = 1024 * 1024;

async function listening(t: Test, env: Record<string, string> = {}): Promise<{ app: HttpApp; origin: string }> {
  const app = await testApp(t, { env });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** A JSON body of exactly `size` bytes: valid JSON, so only its size can be wrong with it. */
function jsonBody(size: number, fields = '"title":"Sized"'): Buffer {
  const head = `{${fields}`;
  return Buffer.from(`${head}${' '.repeat(size - head.length - 1)}}`);
}

const headers = (user = 'alice') => ({ ...bearer(user), 'content-type': 'application/json' });

function assertReadable413(t: Test, result: UploadResult, what: string): void {
  t.equal(result.error, null, `${what}: the client finished sending and reading without a socket error`);
  t.equal(result.status, 413, `${what}: 413`);
  t.match(String(result.headers['content-type']), /application\/problem\+json/, `${what}: problem+json`);
  t.match(JSON.parse(result.body || '{}'), { status: 413, detail: /too large/ }, `${what}: the problem can be read`);
}

t.test('every route that takes a body answers an oversized one with a 413 the client can read, over a real socket', async (t) => {
  const { app, origin } = await listening(t);
  const created = await app.inject({ method: 'POST', url: '/api/tasks', headers: headers(), payload: { title: 'Target' } });
  const id = created.json().id as number;
  const routes: [string, string][] = [];
  for (const mount of ['/api/tasks', '/api/alice/tasks']) {
    routes.push(['POST', mount], ['PUT', `${mount}/${id}`], ['PATCH', `${mount}/${id}`], ['PATCH', `${mount}/${id}/complete`], ['PATCH', `${mount}/complete`]);
  }
  const body = jsonBody(2 * MB);
  for (const [method, path] of routes) {
    for (const chunked of [false, true]) {
      const result = await upload({ url: `${origin}${path}`, method, headers: headers(), body, chunked, pauseMs: 100 });
      assertReadable413(t, result, `${method} ${path} ${chunked ? 'chunked' : 'with Content-Length'}`);
    }
  }
  const unchanged = await app.inject({ url: `/api/tasks/${id}`, headers: bearer('alice') });
  t.equal(unchanged.json().title, 'Target', 'nothing was written');
});

t.test('larger bodies, sent fast or with a pause, announced or chunked, get the same readable 413', async (t) => {
  const { origin } = await listening(t);
  for (const size of [2 * MB, 12 * MB]) {
    for (const chunked of [false, true]) {
      for (const pauseMs of [0, 150]) {
        const result = await upload({ url: `${origin}/api/tasks`, method: 'POST', headers: headers(), body: jsonBody(size), chunked, pauseMs });
        assertReadable413(t, result, `${size / MB} MB ${chunked ? 'chunked' : 'announced'}, pause ${pauseMs} ms`);
      }
    }
  }
});

t.test('fetch (undici) reads the 413 too, with a Content-Length and with a streamed body', async (t) => {
  const { origin } = await listening(t);
  const body = jsonBody(2 * MB);
  const announced = await fetch(`${origin}/api/tasks`, { method: 'POST', headers: headers(), body });
  t.equal(announced.status, 413);
  t.match(await announced.json(), { status: 413, detail: /too large/ });

  let offset = 0;
  const streamed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Slowly, like an upload from a phone: the server must still be listening when the last chunk comes.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (offset >= body.length) return controller.close();
      controller.enqueue(body.subarray(offset, offset + 256 * 1024));
      offset += 256 * 1024;
    },
  });
  const chunked = await fetch(`${origin}/api/tasks`, { method: 'POST', headers: headers(), body: streamed, duplex: 'half' });
  t.equal(chunked.status, 413);
  t.match(await chunked.json(), { status: 413, detail: /too large/ });
});

t.test('a body just under the limit is accepted; BODY_LIMIT_BYTES moves the limit', async (t) => {
  const { origin } = await listening(t);
  const justUnder = await upload({ url: `${origin}/api/tasks`, method: 'POST', headers: headers(), body: jsonBody(64 * 1024), chunked: false });
  t.equal(justUnder.status, 201, '64 KiB exactly: created');
  const chunkedUnder = await upload({ url: `${origin}/api/tasks`, method: 'POST', headers: headers(), body: jsonBody(64 * 1024), chunked: true });
  t.equal(chunkedUnder.status, 201, '64 KiB chunked: created');
  assertReadable413(
    t,
    await upload({ url: `${origin}/api/tasks`, method: 'POST', headers: headers(), body: jsonBody(64 * 1024 + 1), chunked: false }),
    'one byte over',
  );

  const small = await listening(t, { BODY_LIMIT_BYTES: '2048' });
  t.equal((await upload({ url: `${small.origin}/api/tasks`, method: 'POST', headers: headers(), body: jsonBody(2048), chunked: false })).status, 201);
  assertReadable413(
    t,
    await upload({ url: `${small.origin}/api/tasks`, method: 'POST', headers: headers(), body: jsonBody(3000), chunked: true }),
    'over a 2 KiB limit',
  );
});
