import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { HttpApp } from '@todo/adapters';
import { SignJWT } from 'jose';
import t from 'tap';
import { baseUrlOf, connectMcp, JSON_RPC_HEADERS, textsOf } from './support/mcp-client.js';
import { bearer, TEST_SECRET, testApp, tokenFor } from './support/test-app.js';

const METADATA_PATH = '/.well-known/oauth-protected-resource';
const INJECT_ORIGIN = 'http://localhost:80';

const expiredToken = () =>
  new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
    .sign(new TextEncoder().encode(TEST_SECRET));

const toolsList = (id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} });
const toolCall = (name: string, args: unknown, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** One JSON-RPC POST to /mcp, as a Streamable HTTP client sends it. */
const rpc = (app: HttpApp, body: unknown, headers: Record<string, string> = bearer('alice')) =>
  app.inject({ method: 'POST', url: '/mcp', headers: { ...JSON_RPC_HEADERS, ...headers }, payload: JSON.stringify(body) });

t.test('without a valid token, /mcp is 401 and points to the resource metadata', async (t) => {
  const app = await testApp(t);
  const challenge = `Bearer resource_metadata="${INJECT_ORIGIN}${METADATA_PATH}"`;
  const cases: [string, Record<string, string>, string][] = [
    ['no Authorization header', {}, challenge],
    ['an empty Authorization header', { authorization: '' }, challenge],
    ['a token that is not a JWT', { authorization: 'Bearer not-a-jwt' }, `${challenge}, error="invalid_token"`],
    ['a token signed with another secret', { authorization: `Bearer ${await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-0123456789-0123456789'))}` }, `${challenge}, error="invalid_token"`],
    ['an expired token', { authorization: `Bearer ${await expiredToken()}` }, `${challenge}, error="invalid_token"`],
    ['another scheme', { authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` }, `${challenge}, error="invalid_token"`],
  ];
  for (const method of ['POST', 'GET', 'DELETE'] as const) {
    for (const [label, headers, expected] of cases) {
      const response = await app.inject({ method, url: '/mcp', headers: { ...JSON_RPC_HEADERS, ...headers }, payload: method === 'POST' ? toolsList() : undefined });
      t.equal(response.statusCode, 401, `${method}, ${label}`);
      t.equal(response.headers['www-authenticate'], expected, `${method}, ${label}: the challenge`);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      t.equal(response.json<{ detail: string }>().detail, 'A valid bearer token is required.');
    }
  }
  const inQuery = await app.inject({ method: 'POST', url: `/mcp?access_token=${tokenFor('alice')}`, headers: JSON_RPC_HEADERS, payload: toolsList() });
  t.equal(inQuery.statusCode, 401, 'a token in the query string is not looked at');
});

t.test("the SDK's client is refused with 401 without a token, and follows the challenge to the metadata", async (t) => {
  const app = await testApp(t);
  const base = await baseUrlOf(app);
  const client = new Client({ name: 'anonymous', version: '1.0.0' });
  await t.rejects(client.connect(new StreamableHTTPClientTransport(new URL('/mcp', base))), /401/);

  const refused = await fetch(`${base}/mcp`, { method: 'POST', headers: JSON_RPC_HEADERS, body: JSON.stringify(toolsList()) });
  t.equal(refused.status, 401);
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(refused.headers.get('www-authenticate') ?? '')?.[1];
  t.equal(metadataUrl, `${base}${METADATA_PATH}`);
  const metadata = await fetch(metadataUrl!);
  t.equal(metadata.status, 200);
  t.match(await metadata.json(), { resource: `${base}/mcp` });
});

t.test('the protected resource metadata (RFC 9728) needs no token', async (t) => {
  t.test('names the MCP endpoint and the header as the only place for a token', async (t) => {
    const app = await testApp(t);
    for (const path of [METADATA_PATH, `${METADATA_PATH}/mcp`]) {
      const response = await app.inject({ url: path });
      t.equal(response.statusCode, 200, path);
      t.strictSame(response.json(), { resource: `${INJECT_ORIGIN}/mcp`, bearer_methods_supported: ['header'], resource_name: 'Todo API' }, path);
    }
  });

  t.test("names Better Auth's URL as the authorization server when it is configured", async (t) => {
    const app = await testApp(t, { env: { BETTER_AUTH_URL: 'https://auth.example.com/' } });
    t.strictSame(
      (await app.inject({ url: METADATA_PATH })).json<{ authorization_servers: string[] }>().authorization_servers,
      ['https://auth.example.com'],
    );
  });

  t.test('behind a trusted proxy, uses the origin the client used', async (t) => {
    const app = await testApp(t, { env: { TRUST_PROXY: 'true' } });
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'todo.example.com' };
    t.equal((await app.inject({ url: METADATA_PATH, headers: forwarded })).json<{ resource: string }>().resource, 'https://todo.example.com/mcp');
    const refused = await app.inject({ method: 'POST', url: '/mcp', headers: forwarded });
    t.equal(refused.headers['www-authenticate'], `Bearer resource_metadata="https://todo.example.com${METADATA_PATH}"`);
  });
});

t.test('the endpoint is stateless', async (t) => {
  const app = await testApp(t);

  t.test('GET and DELETE are 405 with Allow: POST: no event stream, no session', async (t) => {
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/mcp', headers: { ...bearer('alice'), accept: 'text/event-stream' } });
      t.equal(response.statusCode, 405, method);
      t.equal(response.headers['allow'], 'POST', method);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
    }
  });

  t.test('a tools/call needs no initialize before it, and no session id is ever issued', async (t) => {
    const response = await rpc(app, toolCall('add_task', { title: 'Stateless' }));
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/json/, 'plain JSON, no event stream');
    t.notOk(response.headers['mcp-session-id']);
    t.match(response.json(), { jsonrpc: '2.0', id: 1, result: { structuredContent: { title: 'Stateless', user_id: 'alice' } } });
  });

  t.test('a notification is accepted with 202 and no body', async (t) => {
    const response = await rpc(app, { jsonrpc: '2.0', method: 'notifications/initialized' });
    t.equal(response.statusCode, 202);
    t.equal(response.body, '');
  });
});

t.test('malformed requests are refused with a 4xx, never a 500', async (t) => {
  const app = await testApp(t);

  t.test('arguments that are not an object, or an unknown tool: a JSON-RPC invalid-params error', async (t) => {
    for (const [label, body] of [
      ['arguments as a list', toolCall('add_task', ['Pay rent'])],
      ['arguments as a string', toolCall('add_task', 'Pay rent')],
      ['an unknown tool', toolCall('drop_database', {})],
    ] as const) {
      const response = await rpc(app, body);
      t.equal(response.statusCode, 200, label);
      t.match(response.json(), { jsonrpc: '2.0', id: 1, error: { code: -32602 } }, label);
    }
    t.equal((await app.inject({ url: '/api/tasks', headers: bearer('alice') })).json<unknown[]>().length, 0, 'nothing was created');
  });

  t.test('what the transport refuses is a JSON-RPC error with the HTTP status it chose', async (t) => {
    const cases: [string, () => ReturnType<typeof rpc>, number][] = [
      ['a body that is not JSON-RPC', () => rpc(app, { hello: 'world' }), 400],
      ['no Accept for JSON and event streams', () => rpc(app, toolsList(), { ...bearer('alice'), accept: 'application/json' }), 406],
      ['an unsupported protocol version', () => rpc(app, toolsList(), { ...bearer('alice'), 'mcp-protocol-version': '1999-01-01' }), 400],
    ];
    for (const [label, send, status] of cases) {
      const response = await send();
      t.equal(response.statusCode, status, label);
      t.match(response.json(), { jsonrpc: '2.0', error: { code: Number } }, label);
    }
  });

  t.test('a body that is not JSON is refused as on /api', async (t) => {
    const malformed = await app.inject({ method: 'POST', url: '/mcp', headers: { ...JSON_RPC_HEADERS, ...bearer('alice') }, payload: '{"jsonrpc":' });
    t.equal(malformed.statusCode, 422);
    t.match(malformed.headers['content-type'], /^application\/problem\+json/);
    const text = await app.inject({ method: 'POST', url: '/mcp', headers: { ...bearer('alice'), 'content-type': 'text/plain' }, payload: 'hello' });
    t.equal(text.statusCode, 415);
  });

  t.test('a body over the limit is 413 problem+json', async (t) => {
    const response = await rpc(app, toolCall('add_task', { title: 'big', description: 'x'.repeat(70 * 1024) }));
    t.equal(response.statusCode, 413);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.equal(response.json<{ status: number }>().status, 413);
  });
});

t.test('the cross-cutting parts of /api apply to /mcp', async (t) => {
  t.test('one rate limit per user, shared by /api and /mcp', async (t) => {
    const app = await testApp(t, { env: { RATE_LIMIT_MAX: '3' } });
    t.equal((await app.inject({ url: '/api/tasks', headers: bearer('alice') })).statusCode, 200);
    t.equal((await rpc(app, toolsList())).statusCode, 200);
    t.equal((await rpc(app, toolsList())).statusCode, 200);
    const limited = await rpc(app, toolsList());
    t.equal(limited.statusCode, 429);
    t.match(limited.headers['content-type'], /^application\/problem\+json/);
    t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
    t.equal((await app.inject({ url: '/api/tasks', headers: bearer('alice') })).statusCode, 429, 'the budget is spent on /api too');
    t.equal((await rpc(app, toolsList(), bearer('bob'))).statusCode, 200, 'another user has a budget of their own');
  });

  t.test('CORS: listed origins may call /mcp with the MCP headers and read the challenge', async (t) => {
    const app = await testApp(t, { env: { CORS_ORIGINS: 'https://agent.example.com' } });
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/mcp',
      headers: {
        origin: 'https://agent.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, accept, mcp-protocol-version',
      },
    });
    t.equal(preflight.statusCode, 204);
    t.equal(preflight.headers['access-control-allow-origin'], 'https://agent.example.com');
    const allowed = String(preflight.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/);
    for (const header of ['authorization', 'content-type', 'accept', 'mcp-protocol-version']) t.ok(allowed.includes(header), `allows ${header}`);

    const refused = await app.inject({ method: 'POST', url: '/mcp', headers: { origin: 'https://agent.example.com' } });
    t.equal(refused.statusCode, 401);
    t.match(String(refused.headers['access-control-expose-headers']), /WWW-Authenticate/i, 'a browser client can read the challenge');

    const other = await app.inject({ method: 'POST', url: '/mcp', headers: { ...JSON_RPC_HEADERS, ...bearer('alice'), origin: 'https://evil.example.com' }, payload: JSON.stringify(toolsList()) });
    t.notOk(other.headers['access-control-allow-origin'], 'an unlisted origin gets no CORS headers');
  });

  t.test('the request id and the per-user cache header', async (t) => {
    const app = await testApp(t);
    const response = await rpc(app, toolsList(), { ...bearer('alice'), 'x-request-id': 'agent-42' });
    t.equal(response.headers['x-request-id'], 'agent-42');
    t.equal(response.headers['cache-control'], 'private, no-cache');
  });

  t.test('the OpenAPI document describes the metadata route and leaves the JSON-RPC endpoint to specs/api/mcp.md', async (t) => {
    const app = await testApp(t);
    const paths = (await app.inject('/openapi.json')).json<{ paths: Record<string, unknown> }>().paths;
    t.ok(paths[METADATA_PATH]);
    t.notOk(paths['/mcp']);
  });
});

t.test('on PGlite: what an agent writes through MCP is what REST reads', async (t) => {
  const app = await testApp(t, { store: 'pglite' });
  const alice = await connectMcp(t, app, { user: 'alice' });
  const bob = await connectMcp(t, app, { user: 'bob' });
  const added = await alice.call('add_task', { title: 'Ship MCP', tags: ['work'], due_date: '2026-06-01T12:00:00+02:00' });
  const task = added.structuredContent as { id: number };
  t.notOk(added.isError);
  t.strictSame((await app.inject({ url: `/api/tasks/${task.id}`, headers: bearer('alice') })).json(), added.structuredContent);
  const completed = await alice.call('complete_task', { id: task.id });
  t.match(completed.structuredContent, { completed: true });
  const listed = await alice.call('list_tasks', { status: 'completed', tag: ['WORK'] });
  t.strictSame(listed.structuredContent, { tasks: [completed.structuredContent], next_cursor: null });
  const stolen = await bob.call('delete_task', { id: task.id });
  t.equal(stolen.isError, true);
  t.strictSame(textsOf(stolen), ['No such task.']);
  t.equal((await app.inject({ url: `/api/tasks/${task.id}`, headers: bearer('alice') })).statusCode, 200, "bob's call deleted nothing");
});
