import type { TaskUseCases } from '@todo/application';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { bearerTokenOf } from '../auth/bearer-authenticator.js';
import { problem, sendProblem } from '../wire/problem.js';
import { createTaskTools } from './task-tools.js';

/** Where the endpoint is mounted, and where its RFC 9728 metadata is served. */
export const MCP_PATH = '/mcp';
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** The origin the client used to reach us (behind a proxy, as `X-Forwarded-*` says when `TRUST_PROXY` is on). */
function originOf(request: FastifyRequest): string {
  const origin = `${request.protocol}://${request.host}`;
  return URL.canParse(origin) ? origin : 'http://localhost';
}

/**
 * The `WWW-Authenticate` value of a 401 on /mcp: it tells an MCP client where to learn how to get a token
 * (MCP authorization, RFC 9728 §5.1), with `error="invalid_token"` when a token was sent and refused (RFC 6750).
 */
export function mcpChallenge(request: FastifyRequest, tokenGiven: boolean): string {
  const metadata = `resource_metadata="${originOf(request)}${PROTECTED_RESOURCE_METADATA_PATH}"`;
  return tokenGiven ? `Bearer ${metadata}, error="invalid_token"` : `Bearer ${metadata}`;
}

export interface ProtectedResourceMetadataOptions {
  /** Issuers of the tokens this resource accepts (Better Auth's URL); empty when none is configured. */
  readonly authorizationServers: readonly string[];
}

const ProtectedResourceMetadata = Type.Object(
  {
    resource: Type.String({ description: 'The MCP endpoint: `<origin>/mcp`.' }),
    authorization_servers: Type.Optional(
      Type.Array(Type.String(), { description: "Where to get a token: Better Auth's URL. Absent when none is configured." }),
    ),
    bearer_methods_supported: Type.Array(Type.Literal('header'), { description: 'Tokens go in the Authorization header only.' }),
    resource_name: Type.String(),
  },
  { title: 'ProtectedResourceMetadata' },
);

/**
 * RFC 9728 metadata of the MCP endpoint, without authentication. It is served at the path the 401 challenge names
 * and also at the path RFC 9728 §3.1 derives from the resource URL (`…/oauth-protected-resource/mcp`), which
 * clients try when they have no challenge to read.
 */
export const protectedResourceMetadataRoutes: FastifyPluginAsync<ProtectedResourceMetadataOptions> = async (
  app,
  { authorizationServers },
) => {
  for (const path of [PROTECTED_RESOURCE_METADATA_PATH, `${PROTECTED_RESOURCE_METADATA_PATH}${MCP_PATH}`]) {
    app.get(
      path,
      {
        schema: {
          tags: ['mcp'],
          operationId: path === PROTECTED_RESOURCE_METADATA_PATH ? 'getProtectedResourceMetadata' : 'getMcpProtectedResourceMetadata',
          summary: 'OAuth protected resource metadata of the MCP endpoint (RFC 9728)',
          description: 'No authentication. Tells MCP clients that `/mcp` takes a bearer token in the Authorization header, and from where.',
          response: { 200: ProtectedResourceMetadata },
        },
      },
      async (request) => ({
        resource: `${originOf(request)}${MCP_PATH}`,
        ...(authorizationServers.length > 0 ? { authorization_servers: [...authorizationServers] } : {}),
        bearer_methods_supported: ['header' as const],
        resource_name: 'Todo API',
      }),
    );
  }
};

export interface McpEndpointOptions {
  readonly useCases: TaskUseCases;
  readonly version: string;
}

/** The request headers the Streamable HTTP transport reads; nothing else (the token least of all) is passed on. */
const TRANSPORT_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id'] as const;

function toWebRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const name of TRANSPORT_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`${originOf(request)}${request.url}`, { method: request.method, headers });
}

/**
 * The MCP endpoint (Streamable HTTP, stateless), to be registered in a scope that authenticates its requests.
 * Each POST gets a server and a transport of its own and is answered with plain JSON: no session, no event
 * stream. The transport is the SDK's web-standard one, whose Response goes out through Fastify's reply, so the
 * app's hooks (CORS, request id, cache and security headers, logs, metrics) apply to /mcp like to any route.
 */
export const mcpEndpoint: FastifyPluginAsync<McpEndpointOptions> = async (app, { useCases, version }) => {
  // The MCP SDK (and zod behind it) is loaded by the first MCP request, not at start: about 0.2 s and 14 MB that a
  // service whose clients never use MCP does not pay.
  let loading: ReturnType<typeof loadMcp> | null = null;
  const loadMcp = async () => {
    const [{ WebStandardStreamableHTTPServerTransport }, { authInfoFor, createMcpServerFactory }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
      import('./mcp-server.js'),
    ]);
    const newServer = createMcpServerFactory({ tools: createTaskTools(useCases), name: 'todo-api', version });
    return { Transport: WebStandardStreamableHTTPServerTransport, authInfoFor, newServer };
  };

  app.post('/', { schema: { hide: true } }, async (request, reply) => {
    const { Transport, authInfoFor, newServer } = await (loading ??= loadMcp());
    const server = newServer({ log: request.log, requestId: request.id });
    const transport = new Transport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // The transport reports what it refused (406, 415, a message that is not JSON-RPC) here; its answer says why.
    transport.onerror = (error) => request.log.info({ err: error }, 'MCP request refused by the transport');
    try {
      await server.connect(transport);
      const response = await transport.handleRequest(toWebRequest(request), {
        parsedBody: request.body,
        authInfo: authInfoFor(request.actor, bearerTokenOf(request.headers.authorization) ?? ''),
      });
      reply.code(response.status);
      response.headers.forEach((value, name) => {
        reply.header(name, value);
      });
      return reply.send(response.body === null ? undefined : await response.text());
    } finally {
      await server.close();
    }
  });

  const stateless = (method: 'GET' | 'DELETE') =>
    app.route({
      method,
      url: '/',
      schema: { hide: true },
      handler: async (_request, reply) => {
        reply.header('allow', 'POST');
        const detail =
          method === 'GET'
            ? 'This MCP endpoint is stateless and offers no event stream: send JSON-RPC messages with POST.'
            : 'This MCP endpoint is stateless: there is no session to end.';
        return sendProblem(reply, problem(405, 'method-not-allowed', detail));
      },
    });
  stateless('GET');
  stateless('DELETE');
};
