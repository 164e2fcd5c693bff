/**
 * The hand-written baseline of `pnpm bench`: what a careful engineer writes with plain Fastify, a pg Pool and
 * fast-jwt, against the service's own schema and indexes. It serves the routes the benchmark calls, with the
 * wire shape of the contract (§3, §7), and does the per-request work such a server must do: verify the HS256
 * token, check ownership in SQL, validate and normalise the body, serialise with a response schema. No more.
 *
 * Environment: PORT, DATABASE_URL, BETTER_AUTH_SECRET, DATABASE_POOL_MAX (default 10), LOG_LEVEL (default warn).
 */
import { createVerifier } from 'fast-jwt';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import pg from 'pg';

const PORT = Number(process.env['PORT'] ?? 8001);
const DATABASE_URL = process.env['DATABASE_URL'];
const SECRET = process.env['BETTER_AUTH_SECRET'];
const POOL_MAX = Number(process.env['DATABASE_POOL_MAX'] ?? 10);
const LOG_LEVEL = process.env['LOG_LEVEL'] ?? 'warn';
if (DATABASE_URL === undefined || SECRET === undefined) {
  console.error('DATABASE_URL and BETTER_AUTH_SECRET are required');
  process.exit(1);
}

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_MAX, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
pool.on('error', (error) => app.log.error({ err: error }, 'idle database client failed'));

// The key is prepared once and verified tokens are cached until they expire, as the service does.
const verifyToken = createVerifier({
  key: SECRET,
  algorithms: ['HS256', 'HS384', 'HS512'],
  requiredClaims: ['exp'],
  clockTolerance: 30_000,
  cache: true,
});

const PRIORITY_RANK = { low: 1, medium: 2, high: 3 } as const;
type Priority = keyof typeof PRIORITY_RANK;

// The row comes out of SQL in the wire's shape: the serializer turns the bigint id and the Dates into JSON.
const COLUMNS = `id, user_id, title, description, completed, (array['low', 'medium', 'high'])[priority] as priority,
  tags, due_date, completed_at, version, created_at, updated_at`;

interface TaskRow {
  readonly id: string;
  readonly version: number;
}

const nullableDateTime = { type: ['string', 'null'], format: 'date-time' };
const taskSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    user_id: { type: 'string' },
    title: { type: 'string' },
    description: { type: ['string', 'null'] },
    completed: { type: 'boolean' },
    priority: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    due_date: nullableDateTime,
    completed_at: nullableDateTime,
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
} as const;

const taskFields = {
  description: { type: ['string', 'null'], maxLength: 1000 },
  completed: { type: 'boolean' },
  priority: { enum: ['low', 'medium', 'high'] },
  tags: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 32 } },
  due_date: nullableDateTime,
};
const createBodySchema = {
  type: 'object',
  required: ['title'],
  additionalProperties: false,
  properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, ...taskFields },
};
const updateBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, ...taskFields },
};
const idParamsSchema = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } };
const listQuerySchema = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 100 }, cursor: { type: 'string', maxLength: 2048 } },
};

interface TaskBody {
  readonly title?: string;
  readonly description?: string | null;
  readonly completed?: boolean;
  readonly priority?: Priority;
  readonly tags?: readonly string[];
  readonly due_date?: string | null;
}

const fold = (text: string): string => text.normalize('NFC').toLowerCase();

/** Trimmed, unique without case (first spelling kept), sorted by key: what the schema's tag check expects. */
function normaliseTags(raw: readonly string[]): { tags: string[]; keys: string[] } {
  const byKey = new Map<string, string>();
  for (const text of raw) {
    const tag = text.normalize('NFC').trim();
    if (tag.length > 0 && !byKey.has(fold(tag))) byKey.set(fold(tag), tag);
  }
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { tags: keys.map((key) => byKey.get(key)!), keys };
}

function problem(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title: detail, status, detail }));
}

/** The token's user, or null (and the reply is a 401). */
function authenticate(request: FastifyRequest, reply: FastifyReply): string | null {
  const header = request.headers.authorization;
  if (header !== undefined && header.startsWith('Bearer ')) {
    try {
      const { sub } = verifyToken(header.slice(7)) as { sub?: unknown };
      if (typeof sub === 'string' && sub.length > 0 && sub.length <= 255) return sub;
    } catch {
      // Falls through to the 401.
    }
  }
  reply.header('www-authenticate', 'Bearer realm="todo-api", error="invalid_token"');
  problem(reply, 401, 'A valid bearer token is required.');
  return null;
}

/** An opaque keyset cursor: the last row's (created_at, id). */
const encodeCursor = (createdAt: Date, id: string): string => Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] | null {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[0] === 'string' && typeof decoded[1] === 'string') {
      return [decoded[0], decoded[1]];
    }
  } catch {
    // Not a cursor of ours.
  }
  return null;
}

const app = Fastify({ logger: { level: LOG_LEVEL } });

app.get('/readyz', async (_request, reply) => {
  try {
    await pool.query('select 1');
    return { status: 'ready' };
  } catch {
    return problem(reply, 503, 'The service cannot reach its database.');
  }
});

app.get<{ Querystring: { limit: number; cursor?: string } }>(
  '/api/tasks',
  { schema: { querystring: listQuerySchema, response: { 200: { type: 'array', items: taskSchema } } } },
  async (request, reply) => {
    const owner = authenticate(request, reply);
    if (owner === null) return reply;
    const { limit, cursor } = request.query;
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (cursor !== undefined && after === null) return problem(reply, 422, 'cursor: is not valid');
    const { rows } = await pool.query<TaskRow & { created_at: Date }>(
      after === null
        ? `select ${COLUMNS} from tasks where user_id = $1 order by created_at desc, id desc limit $2`
        : `select ${COLUMNS} from tasks where user_id = $1 and (created_at, id) < ($3::timestamptz, $4::bigint)
           order by created_at desc, id desc limit $2`,
      after === null ? [owner, limit + 1] : [owner, limit + 1, ...after],
    );
    if (rows.length > limit) {
      rows.length = limit;
      const last = rows[limit - 1]!;
      reply.header('link', `</api/tasks?limit=${limit}&cursor=${encodeCursor(last.created_at, last.id)}>; rel="next"`);
    }
    return rows;
  },
);

app.get<{ Params: { id: number } }>(
  '/api/tasks/:id',
  { schema: { params: idParamsSchema, response: { 200: taskSchema } } },
  async (request, reply) => {
    const owner = authenticate(request, reply);
    if (owner === null) return reply;
    const { rows } = await pool.query<TaskRow>(`select ${COLUMNS} from tasks where id = $1 and user_id = $2`, [request.params.id, owner]);
    const task = rows[0];
    if (task === undefined) return problem(reply, 404, 'No such task.');
    return reply.header('etag', `"${task.version}"`).send(task);
  },
);

app.post<{ Body: TaskBody & { title: string } }>(
  '/api/tasks',
  { schema: { body: createBodySchema, response: { 201: taskSchema } } },
  async (request, reply) => {
    const owner = authenticate(request, reply);
    if (owner === null) return reply;
    const body = request.body;
    const title = body.title.trim();
    if (title.length === 0) return problem(reply, 422, 'title: must not be empty');
    const description = body.description ?? null;
    const completed = body.completed ?? false;
    const { tags, keys } = normaliseTags(body.tags ?? []);
    const { rows } = await pool.query<TaskRow>(
      `insert into tasks (user_id, title, title_folded, description, description_folded, completed, completed_at,
         priority, tags, tag_keys, due_date)
       values ($1, $2, $3, $4, $5, $6, case when $6 then now() end, $7, $8, $9, $10)
       returning ${COLUMNS}`,
      [
        owner,
        title,
        fold(title),
        description,
        description === null ? null : fold(description),
        completed,
        PRIORITY_RANK[body.priority ?? 'medium'],
        tags,
        keys,
        body.due_date ?? null,
      ],
    );
    const task = rows[0]!;
    return reply.code(201).header('location', `/api/tasks/${task.id}`).header('etag', `"${task.version}"`).send(task);
  },
);

app.patch<{ Params: { id: number }; Body: TaskBody }>(
  '/api/tasks/:id',
  { schema: { params: idParamsSchema, body: updateBodySchema, response: { 200: taskSchema } } },
  async (request, reply) => {
    const owner = authenticate(request, reply);
    if (owner === null) return reply;
    const body = request.body;
    const values: unknown[] = [request.params.id, owner];
    const assignments: string[] = [];
    const set = (column: string, value: unknown): string => {
      values.push(value);
      assignments.push(`${column} = $${values.length}`);
      return `$${values.length}`;
    };
    if (body.title !== undefined) {
      const title = body.title.trim();
      if (title.length === 0) return problem(reply, 422, 'title: must not be empty');
      set('title', title);
      set('title_folded', fold(title));
    }
    if (body.description !== undefined) {
      set('description', body.description);
      set('description_folded', body.description === null ? null : fold(body.description));
    }
    if (body.completed !== undefined) {
      const completed = set('completed', body.completed);
      assignments.push(`completed_at = case when ${completed}::boolean then coalesce(completed_at, now()) end`);
    }
    if (body.priority !== undefined) set('priority', PRIORITY_RANK[body.priority]);
    if (body.tags !== undefined) {
      const { tags, keys } = normaliseTags(body.tags);
      set('tags', tags);
      set('tag_keys', keys);
    }
    if (body.due_date !== undefined) set('due_date', body.due_date);
    const { rows } = await pool.query<TaskRow>(
      `update tasks set ${assignments.join(', ')}, updated_at = now(), version = version + 1
       where id = $1 and user_id = $2 returning ${COLUMNS}`,
      values,
    );
    const task = rows[0];
    if (task === undefined) return problem(reply, 404, 'No such task.');
    return reply.header('etag', `"${task.version}"`).send(task);
  },
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
}

await app.listen({ port: PORT, host: '127.0.0.1' });
