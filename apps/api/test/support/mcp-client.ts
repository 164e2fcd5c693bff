import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { HttpApp } from '@todo/adapters';
import type { Test } from 'tap';
import { tokenFor } from './test-app.js';

/** The app's base URL on a real port (listening on first use; the app's teardown closes it). */
export async function baseUrlOf(app: HttpApp): Promise<string> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export interface McpSession {
  readonly client: Client;
  /** Calls a tool; the SDK has already checked `structuredContent` against the tool's output schema. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

/** The SDK's own client, over Streamable HTTP on a real port, with `user`'s bearer token (or the headers given). */
export async function connectMcp(
  t: Test,
  app: HttpApp,
  { user, headers }: { readonly user?: string; readonly headers?: Record<string, string> },
): Promise<McpSession> {
  const client = new Client({ name: 'todo-api-tests', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', await baseUrlOf(app)), {
    requestInit: { headers: headers ?? { Authorization: `Bearer ${tokenFor(user ?? 'alice')}` } },
  });
  await client.connect(transport);
  t.teardown(() => client.close());
  // The client validates structured output only against schemas it has listed.
  await client.listTools();
  return {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
  };
}

/** The text items of a tool result, in order. */
export const textsOf = (result: CallToolResult): string[] =>
  result.content.flatMap((item) => (item.type === 'text' ? [item.text] : []));

/** The headers a Streamable HTTP client sends with a JSON-RPC POST. */
export const JSON_RPC_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
} as const;
