import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  RequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { RepositoryUnavailableError } from '@todo/application';
import { err, userId, type Result, type UserId } from '@todo/domain';
import type { ValidateFunction } from 'ajv';
import type { TObject } from 'typebox';
import { problem, type Problem } from '../wire/problem.js';
import { databaseUnavailableProblem, invalidFieldsProblem, unexpectedProblem, useCaseProblem } from '../wire/use-case-problems.js';
import { fieldErrors, makeAjv } from '../wire/validation.js';
import type { TaskTool } from './task-tools.js';

/** What a tool call logs to: the request's logger, so every line carries the request id. */
export interface McpLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Where one MCP request runs. */
export interface McpRequestContext {
  readonly log: McpLogger;
  readonly requestId: string;
}

export interface McpServerFactoryOptions {
  readonly tools: readonly TaskTool[];
  readonly name: string;
  readonly version: string;
}

/** An MCP server over the given tools, made fresh for each request (the endpoint keeps no session). */
export type McpServerFactory = (context: McpRequestContext) => Server;

const INSTRUCTIONS =
  "The signed-in user's todo list. Tasks are identified by integer ids, which list_tasks and add_task return. " +
  'Every tool acts for the user the access token names; there is no way, and no need, to name a user.';

/** The bearer identity, as the endpoint hands it to the transport: the user's id travels in `extra.userId`. */
export function authInfoFor(actor: UserId, token: string): AuthInfo {
  // The API's tokens name a user, not an OAuth client: there is no client id to report.
  return { token, clientId: '', scopes: [], extra: { userId: actor } };
}

function actorOf(authInfo: AuthInfo | undefined): UserId {
  const id = authInfo?.extra?.['userId'];
  // The endpoint only runs behind the auth plugin: a call without a user is a wiring bug, never a guest.
  if (typeof id !== 'string' || id.length === 0) throw new Error('MCP tool called without an authenticated user');
  return userId(id);
}

const otherUserProblem = () =>
  problem(403, 'forbidden', "user_id names another user than the token's: leave it out, the token decides whose tasks these are.");

/** A failure the model can act on: the REST `detail` first, then each invalid field. */
function toolError({ detail, errors }: Problem): CallToolResult {
  const fields = errors?.map(({ field, message }) => `${field}: ${message}`) ?? [];
  return {
    isError: true,
    content: [{ type: 'text', text: detail }, ...(fields.length > 0 ? [{ type: 'text' as const, text: fields.join('\n') }] : [])],
  };
}

function toolSuccess(output: Record<string, unknown>): CallToolResult {
  // The text is for clients older than structured output (protocol 2025-06-18); it holds the same JSON.
  return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
}

/** A TypeBox schema is JSON Schema already; this drops TypeBox's own (non-enumerable) markers. */
const plainJsonSchema = (schema: TObject): Tool['inputSchema'] => JSON.parse(JSON.stringify(schema)) as Tool['inputSchema'];

/**
 * Any `tools/call`, even one whose params are malformed. The SDK parses a request with the handler's schema first,
 * and a failure there becomes an "internal error" (-32603); with this loose schema the request reaches the SDK's own
 * `tools/call` check, which answers invalid params (-32602), as JSON-RPC says it should.
 */
const AnyToolCall = RequestSchema.extend({ method: CallToolRequestSchema.shape.method });

interface CompiledTool {
  readonly tool: TaskTool;
  readonly validate: ValidateFunction;
}

/**
 * Compiles every tool's input schema once, with the same strict Ajv as the REST bodies (no coercion, unknown
 * fields refused), and returns a factory of per-request servers. The low-level `Server` is used because it takes
 * JSON Schema as it is, so the tools' schemas are the REST API's TypeBox schemas rather than a Zod copy.
 */
export function createMcpServerFactory({ tools, name, version }: McpServerFactoryOptions): McpServerFactory {
  const ajv = makeAjv();
  const compiled = new Map<string, CompiledTool>(tools.map((tool) => [tool.name, { tool, validate: ajv.compile(tool.inputSchema) }]));
  const listed: Tool[] = tools.map((tool) => ({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: plainJsonSchema(tool.inputSchema),
    outputSchema: plainJsonSchema(tool.outputSchema),
    annotations: { title: tool.title, ...tool.annotations },
  }));

  async function call(
    { tool, validate }: CompiledTool,
    actor: UserId,
    args: Record<string, unknown>,
    context: McpRequestContext,
  ): Promise<Result<Record<string, unknown>, Problem>> {
    // Checked before the arguments are validated, like the REST compat mount's path user: naming someone else is refused first.
    if (typeof args['user_id'] === 'string' && args['user_id'] !== actor) return err(otherUserProblem());
    const input = structuredClone(args);
    if (!validate(input)) return err(invalidFieldsProblem(fieldErrors(validate.errors ?? [], 'arguments')));
    try {
      const result = await tool.run(actor, input);
      return result.ok ? result : err(useCaseProblem(result.error));
    } catch (error) {
      if (error instanceof RepositoryUnavailableError) {
        context.log.error({ err: error, tool: tool.name }, 'database unavailable');
        return err(databaseUnavailableProblem());
      }
      context.log.error({ err: error, tool: tool.name }, 'unexpected error in an MCP tool');
      return err(unexpectedProblem(context.requestId));
    }
  }

  return (context) => {
    const server = new Server({ name, version }, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
    server.setRequestHandler(AnyToolCall, async (request, extra) => {
      const { params } = CallToolRequestSchema.parse(request);
      const entry = compiled.get(params.name);
      if (entry === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`);
      const outcome = await call(entry, actorOf(extra.authInfo), params.arguments ?? {}, context);
      context.log.info({ tool: entry.tool.name, ...(outcome.ok ? {} : { problem: outcome.error.type }) }, 'MCP tool called');
      return outcome.ok ? toolSuccess(outcome.value) : toolError(outcome.error);
    });
    return server;
  };
}
