import { InMemoryTaskRepository, type HttpApp } from '@todo/adapters';
import { RepositoryUnavailableError } from '@todo/application';
import type { TaskCounts } from '@todo/application';
import t, { type Test } from 'tap';
import { connectMcp, textsOf, type McpSession } from './support/mcp-client.js';
import { bearer, testApp } from './support/test-app.js';

interface TaskBody {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: string;
  tags: string[];
  due_date: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

const TOOLS = ['add_task', 'list_tasks', 'get_task', 'update_task', 'complete_task', 'delete_task', 'clear_completed', 'task_stats'];

/** What REST answers for `user` (the view MCP results are compared with). */
async function restGet<Body>(app: HttpApp, user: string, url: string): Promise<{ status: number; body: Body }> {
  const response = await app.inject({ url, headers: bearer(user) });
  return { status: response.statusCode, body: response.json<Body>() };
}

async function restCreate(app: HttpApp, user: string, payload: Record<string, unknown>): Promise<TaskBody> {
  const response = await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer(user), payload });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`);
  return response.json<TaskBody>();
}

function structured<Output>(t: Test, result: Awaited<ReturnType<McpSession['call']>>): Output {
  t.notOk(result.isError, `not an error: ${textsOf(result).join(' | ')}`);
  t.strictSame(JSON.parse(textsOf(result)[0] ?? 'null'), result.structuredContent, 'the text content holds the same JSON');
  return result.structuredContent as Output;
}

t.test('the tools are listed, each with a JSON Schema for its input and its structured output', async (t) => {
  const app = await testApp(t);
  const { client } = await connectMcp(t, app, { user: 'alice' });
  const { tools } = await client.listTools();
  t.strictSame(tools.map((tool) => tool.name).sort(), [...TOOLS].sort());
  for (const tool of tools) {
    t.equal(tool.inputSchema.type, 'object', `${tool.name}: input`);
    t.equal(tool.inputSchema['additionalProperties'], false, `${tool.name}: unknown arguments are refused`);
    t.equal(tool.outputSchema?.type, 'object', `${tool.name}: output`);
    t.ok((tool.description ?? '').length > 40, `${tool.name}: described for a model`);
    t.notMatch(JSON.stringify(tool), /"\$id"|~kind/, `${tool.name}: plain JSON Schema, no $id to clash in a client`);
  }
  const addTask = tools.find((tool) => tool.name === 'add_task')!;
  t.strictSame(addTask.inputSchema.required, ['title'], 'add_task needs only a title');
});

t.test('each tool does what REST does with the same data', async (t) => {
  const app = await testApp(t);
  const mcp = await connectMcp(t, app, { user: 'alice' });

  t.test('add_task creates the task that REST then serves', async (t) => {
    const added = structured<TaskBody>(
      t,
      await mcp.call('add_task', { title: '  Pay rent ', priority: 'high', tags: ['Home', 'money'], due_date: '2026-12-01T09:00:00+01:00' }),
    );
    t.match(added, { title: 'Pay rent', user_id: 'alice', priority: 'high', tags: ['Home', 'money'], due_date: '2026-12-01T08:00:00.000Z' });
    const rest = await restGet<TaskBody>(app, 'alice', `/api/tasks/${added.id}`);
    t.equal(rest.status, 200);
    t.strictSame(rest.body, added);
  });

  t.test('get_task answers what GET /api/tasks/{id} answers', async (t) => {
    const task = await restCreate(app, 'alice', { title: 'Read', description: 'a book' });
    t.strictSame(structured(t, await mcp.call('get_task', { id: task.id })), task);
  });

  t.test('update_task changes only the fields given', async (t) => {
    const task = await restCreate(app, 'alice', { title: 'Draft', description: 'keep me', tags: ['work'], priority: 'low' });
    const updated = structured<TaskBody>(t, await mcp.call('update_task', { id: task.id, title: 'Final', due_date: null }));
    t.match(updated, { title: 'Final', description: 'keep me', tags: ['work'], priority: 'low', due_date: null });
    t.strictSame((await restGet(app, 'alice', `/api/tasks/${task.id}`)).body, updated);
  });

  t.test('complete_task sets the state when told, and flips it otherwise', async (t) => {
    const task = await restCreate(app, 'alice', { title: 'Call mum' });
    const set = structured<TaskBody>(t, await mcp.call('complete_task', { id: task.id, completed: true }));
    t.equal(set.completed, true);
    t.type(set.completed_at, 'string');
    t.equal(structured<TaskBody>(t, await mcp.call('complete_task', { id: task.id, completed: true })).completed, true, 'setting is idempotent');
    const flipped = structured<TaskBody>(t, await mcp.call('complete_task', { id: task.id }));
    t.match(flipped, { completed: false, completed_at: null });
    t.strictSame((await restGet(app, 'alice', `/api/tasks/${task.id}`)).body, flipped);
  });

  t.test('delete_task deletes: REST then answers 404', async (t) => {
    const task = await restCreate(app, 'alice', { title: 'Throw away' });
    t.strictSame(structured(t, await mcp.call('delete_task', { id: task.id })), { id: task.id, deleted: true });
    t.equal((await restGet(app, 'alice', `/api/tasks/${task.id}`)).status, 404);
  });

  t.test('clear_completed deletes the completed tasks only, and counts them', async (t) => {
    const done = await restCreate(app, 'alice', { title: 'Done', completed: true });
    const pending = await restCreate(app, 'alice', { title: 'Pending' });
    const before = (await restGet<TaskBody[]>(app, 'alice', '/api/tasks?status=completed')).body;
    t.ok(before.some((task) => task.id === done.id));
    t.strictSame(structured(t, await mcp.call('clear_completed')), { deleted: before.length });
    t.strictSame((await restGet(app, 'alice', '/api/tasks?status=completed')).body, []);
    t.equal((await restGet(app, 'alice', `/api/tasks/${pending.id}`)).status, 200);
  });

  t.test('task_stats answers what GET /api/tasks/stats answers', async (t) => {
    await restCreate(app, 'alice', { title: 'Overdue', due_date: '2020-01-01T00:00:00Z' });
    const stats = structured<{ overdue: number }>(t, await mcp.call('task_stats'));
    t.strictSame(stats, (await restGet(app, 'alice', '/api/tasks/stats')).body);
    t.ok(stats.overdue >= 1);
  });
});

t.test('list_tasks', async (t) => {
  const app = await testApp(t);
  const mcp = await connectMcp(t, app, { user: 'alice' });
  const fixtures = [
    { title: 'Pay rent', priority: 'high', tags: ['home', 'money'] },
    { title: 'Rent a car', priority: 'medium', tags: ['travel'] },
    { title: 'Water plants', priority: 'low', tags: ['home'], completed: true },
    { title: 'Book flights', priority: 'high', tags: ['travel'], due_date: '2026-03-01T10:00:00Z' },
    { title: 'Renew passport', priority: 'high', tags: ['travel', 'home'], due_date: '2026-02-01T10:00:00Z' },
  ];
  for (const fixture of fixtures) await restCreate(app, 'alice', fixture);

  t.test('without arguments: every task, in the order REST lists them', async (t) => {
    const listing = structured<{ tasks: TaskBody[]; next_cursor: string | null }>(t, await mcp.call('list_tasks'));
    t.strictSame(listing, { tasks: (await restGet(app, 'alice', '/api/tasks')).body, next_cursor: null });
  });

  t.test('filters and sorts as the REST query string does', async (t) => {
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 'pending', sort: 'title', order: 'asc' }, 'status=pending&sort=title&order=asc'],
      [{ priority: ['high', 'low'] }, 'priority=high,low'],
      [{ tag: ['home', 'TRAVEL'] }, 'tag=home&tag=TRAVEL'],
      [{ q: 'rent' }, 'q=rent'],
      [{ sort: 'due_date', order: 'asc' }, 'sort=due_date&order=asc'],
      [{ sort: 'priority' }, 'sort=priority'],
      [{ due_after: '2026-02-15T00:00:00Z', due_before: '2026-04-01T00:00:00+02:00' }, 'due_after=2026-02-15T00:00:00Z&due_before=2026-04-01T00:00:00%2B02:00'],
      [{ overdue: false, status: 'completed' }, 'overdue=false&status=completed'],
    ];
    for (const [args, query] of cases) {
      const listing = structured<{ tasks: TaskBody[] }>(t, await mcp.call('list_tasks', args));
      const rest = await restGet<TaskBody[]>(app, 'alice', `/api/tasks?${query}`);
      t.equal(rest.status, 200, query);
      t.strictSame(listing.tasks, rest.body, query);
      t.ok(listing.tasks.length > 0, `${query}: the case selects something`);
    }
  });

  t.test('pages through every task exactly once by following next_cursor', async (t) => {
    const seen: TaskBody[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const args: Record<string, unknown> = { limit: 2, sort: 'title', order: 'asc', ...(cursor === null ? {} : { cursor }) };
      const page = structured<{ tasks: TaskBody[]; next_cursor: string | null }>(t, await mcp.call('list_tasks', args));
      seen.push(...page.tasks);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    t.equal(pages, 3);
    t.strictSame(seen, (await restGet(app, 'alice', '/api/tasks?sort=title&order=asc')).body);
  });
});

t.test("another user's task is exactly like a missing one, through every tool", async (t) => {
  const app = await testApp(t);
  const alice = await connectMcp(t, app, { user: 'alice' });
  const bobsTask = await restCreate(app, 'bob', { title: "Bob's secret", description: 'private', completed: true });
  const missing = await restGet<{ detail: string }>(app, 'alice', `/api/tasks/${bobsTask.id}`);
  t.equal(missing.status, 404);
  const neverUsedId = bobsTask.id + 1000;

  const calls: [string, Record<string, unknown>][] = [
    ['get_task', { id: bobsTask.id }],
    ['update_task', { id: bobsTask.id, title: 'Hacked' }],
    ['complete_task', { id: bobsTask.id }],
    ['complete_task', { id: bobsTask.id, completed: false }],
    ['delete_task', { id: bobsTask.id }],
  ];
  for (const [tool, args] of calls) {
    const result = await alice.call(tool, args);
    t.equal(result.isError, true, `${tool} ${JSON.stringify(args)}`);
    t.strictSame(textsOf(result), [missing.body.detail], `${tool}: the REST 404 detail, nothing more`);
    t.strictSame(textsOf(await alice.call(tool, { ...args, id: neverUsedId })), textsOf(result), `${tool}: same as a missing id`);
  }
  const listing = structured<{ tasks: TaskBody[] }>(t, await alice.call('list_tasks', { q: 'secret' }));
  t.strictSame(listing.tasks, [], 'not listed');
  t.strictSame(structured(t, await alice.call('clear_completed')), { deleted: 0 }, "bob's completed task is not cleared");
  t.strictSame(structured(t, await alice.call('task_stats')), { total: 0, completed: 0, pending: 0, overdue: 0 });
  t.strictSame((await restGet(app, 'bob', `/api/tasks/${bobsTask.id}`)).body, bobsTask, "bob's task is unchanged");
});

t.test('a user_id argument', async (t) => {
  const app = await testApp(t);
  const alice = await connectMcp(t, app, { user: 'alice' });
  const own = await restCreate(app, 'alice', { title: 'Mine' });

  t.test("naming another user fails every tool, before anything is read or written", async (t) => {
    const calls: [string, Record<string, unknown>][] = [
      ['add_task', { title: 'For bob' }],
      ['list_tasks', {}],
      ['get_task', { id: own.id }],
      ['update_task', { id: own.id, title: 'Changed' }],
      ['complete_task', { id: own.id }],
      ['delete_task', { id: own.id }],
      ['clear_completed', {}],
      ['task_stats', {}],
      ['add_task', { title: '' }],
    ];
    for (const [tool, args] of calls) {
      const result = await alice.call(tool, { ...args, user_id: 'bob' });
      t.equal(result.isError, true, tool);
      t.match(textsOf(result)[0], /^user_id names another user than the token's/, tool);
    }
    t.strictSame((await restGet(app, 'alice', '/api/tasks')).body, [own], "alice's tasks are untouched");
    t.strictSame((await restGet(app, 'bob', '/api/tasks')).body, [], 'nothing was created for bob');
  });

  t.test("naming the token's own user is accepted, and changes nothing about whose tasks these are", async (t) => {
    const added = structured<TaskBody>(t, await alice.call('add_task', { title: 'Also mine', user_id: 'alice' }));
    t.equal(added.user_id, 'alice');
    t.equal(structured<TaskBody>(t, await alice.call('get_task', { id: own.id, user_id: 'alice' })).id, own.id);
  });

  t.test('a user_id that is not a string is invalid input', async (t) => {
    const result = await alice.call('task_stats', { user_id: 7 });
    t.equal(result.isError, true);
    t.strictSame(textsOf(result), ['user_id: must be string', 'user_id: must be string']);
  });
});

t.test('bad input is a tool error with the REST detail, naming the field', async (t) => {
  const app = await testApp(t);
  const mcp = await connectMcp(t, app, { user: 'alice' });
  const task = await restCreate(app, 'alice', { title: 'Target' });
  const restInvalid = await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer('alice'), payload: { title: '' } });
  t.equal(restInvalid.statusCode, 422);
  const emptyTitle = await mcp.call('add_task', { title: '' });
  t.equal(textsOf(emptyTitle)[0], restInvalid.json<{ detail: string }>().detail, 'the same detail as REST for the same input');

  const cases: [string, string, Record<string, unknown>, string][] = [
    ['a missing title', 'add_task', {}, 'title: must have required property'],
    ['an empty title', 'add_task', { title: '' }, 'title: must not be empty'],
    ['a blank title', 'add_task', { title: ' \t ' }, 'title: must not be empty'],
    ['a 201-character title', 'add_task', { title: 'x'.repeat(201) }, 'title: must be at most 200 characters'],
    ['a number as title, never coerced', 'add_task', { title: 123 }, 'title: must be string'],
    ['an unknown argument', 'add_task', { title: 'ok', titel: 'typo' }, 'titel: is not a known field'],
    ['a server-set field', 'add_task', { title: 'ok', completed_at: '2026-01-01T00:00:00Z' }, 'completed_at: is not a known field'],
    ['a bad priority', 'add_task', { title: 'ok', priority: 'urgent' }, 'priority: must be one of: low, medium, high'],
    ['a due date without a zone', 'add_task', { title: 'ok', due_date: '2026-01-31T17:00:00' }, 'due_date: must be an ISO 8601'],
    ['too many tags', 'add_task', { title: 'ok', tags: Array.from({ length: 21 }, (_, index) => `t${index}`) }, 'tags: must NOT have more than 20 items'],
    ['an empty tag', 'add_task', { title: 'ok', tags: [' '] }, 'tags'],
    ['a missing id', 'get_task', {}, 'id: must have required property'],
    ['an id as a string', 'get_task', { id: String(task.id) }, 'id: must be integer'],
    ['a fractional id', 'delete_task', { id: 1.5 }, 'id: must be integer'],
    ['a zero id', 'update_task', { id: 0, title: 'x' }, 'id: must be >= 1'],
    ['completed as a string', 'complete_task', { id: task.id, completed: 'yes' }, 'completed: must be boolean'],
    ['an empty title on update', 'update_task', { id: task.id, title: '' }, 'title: must not be empty'],
    ['a bad status', 'list_tasks', { status: 'done' }, 'status: must be one of: all, pending, completed'],
    ['a bad sort', 'list_tasks', { sort: 'size' }, 'sort: must be one of'],
    ['a limit of 0', 'list_tasks', { limit: 0 }, 'limit: must be >= 1'],
    ['a limit as a string', 'list_tasks', { limit: '10' }, 'limit: must be integer'],
    ['priority as a string rather than a list', 'list_tasks', { priority: 'high' }, 'priority: must be array'],
    ['a cursor this service never issued', 'list_tasks', { cursor: 'not-a-cursor' }, 'cursor: is not a cursor this service issued'],
    ['an unknown argument to a tool that takes none', 'task_stats', { verbose: true }, 'verbose: is not a known field'],
    ['a NUL in the search', 'list_tasks', { q: 'rent\u0000' }, 'q: must not contain the NUL character'],
    ['a NUL in the cursor', 'list_tasks', { cursor: '\u0000' }, 'cursor: is not a cursor this service issued'],
  ];
  for (const [label, tool, args, message] of cases) {
    const result = await mcp.call(tool, args);
    t.equal(result.isError, true, `${label}: an error`);
    const [detail, fields] = textsOf(result);
    t.match(detail, message, `${label}: the detail names the field`);
    t.match(fields, message, `${label}: so does the list of fields`);
  }
  t.strictSame((await restGet(app, 'alice', '/api/tasks')).body, [task], 'nothing was written');

  t.test('a cursor made for another sort is refused', async (t) => {
    await restCreate(app, 'alice', { title: 'Second' });
    const page = structured<{ next_cursor: string }>(t, await mcp.call('list_tasks', { limit: 1 }));
    const result = await mcp.call('list_tasks', { limit: 1, cursor: page.next_cursor, sort: 'title' });
    t.equal(result.isError, true);
    t.match(textsOf(result)[1], /^cursor: was issued for sort=created&order=desc/);
  });

  t.test('a NUL character in a title is stored and returned unchanged, or refused: never a crash', async (t) => {
    const result = await mcp.call('add_task', { title: 'a\u0000b' });
    if (result.isError) t.match(textsOf(result)[1], /^title/);
    else t.equal(result.structuredContent?.["title"], 'a\u0000b');
  });
});

t.test('a failure of the store is a tool error, never a crash or a leak', async (t) => {
  class FailingRepository extends InMemoryTaskRepository {
    override async countOwned(): Promise<TaskCounts> {
      throw new RepositoryUnavailableError();
    }

    override async deleteCompletedOwned(): Promise<number> {
      throw new Error('disk on fire at /var/lib/postgresql');
    }
  }
  const app = await testApp(t, { overrides: { tasks: new FailingRepository() } });
  const mcp = await connectMcp(t, app, { headers: { ...bearer('alice'), 'x-request-id': 'mcp-failure-1' } });

  const unavailable = await mcp.call('task_stats');
  t.equal(unavailable.isError, true);
  const restUnavailable = await app.inject({ url: '/api/tasks/stats', headers: bearer('alice') });
  t.equal(restUnavailable.statusCode, 503);
  t.strictSame(textsOf(unavailable), [restUnavailable.json<{ detail: string }>().detail], 'the REST 503 detail');

  const unexpected = await mcp.call('clear_completed');
  t.equal(unexpected.isError, true);
  t.strictSame(textsOf(unexpected), ['Something went wrong. Quote request id mcp-failure-1 when reporting it.']);
  t.notMatch(JSON.stringify(unexpected), /disk|postgresql/, 'nothing internal');
});
