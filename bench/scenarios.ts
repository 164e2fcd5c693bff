import type autocannon from 'autocannon';

export const SCENARIOS = ['list', 'get', 'create', 'update', 'mixed'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Scenarios that add or change rows: the table is put back to its seeded state before the next run. */
export const WRITING_SCENARIOS: ReadonlySet<Scenario> = new Set(['create', 'update', 'mixed']);

export const LIST_PAGE_SIZE = 50;

/** The mixed scenario's draw: 80 % reads, 20 % writes. */
export const MIXED_SHARES = { list: 0.4, get: 0.4, create: 0.1, update: 0.1 } as const;

export const SCENARIO_DESCRIPTIONS: Record<Scenario, string> = {
  list: `GET /api/tasks?limit=${LIST_PAGE_SIZE}`,
  get: 'GET /api/tasks/{id} (one of the token user’s seeded tasks)',
  create: 'POST /api/tasks {title, description?, priority, tags, due_date?}',
  update: 'PATCH /api/tasks/{id} {title, completed} (one of the token user’s seeded tasks)',
  mixed: `${MIXED_SHARES.list * 100} % list, ${MIXED_SHARES.get * 100} % get, ${MIXED_SHARES.create * 100} % create, ${MIXED_SHARES.update * 100} % update`,
};

/** Who the load speaks for: one token per user, and each user's own tasks. */
export interface Workload {
  readonly tokens: readonly string[];
  readonly taskIdsByUser: readonly (readonly number[])[];
}

const VERBS = ['Buy', 'Call', 'Email', 'Fix', 'Review', 'Plan', 'Write', 'Pay', 'Book', 'Clean', 'Renew', 'Ask'];
const OBJECTS = ['groceries', 'Alice', 'the quarterly report', 'the login bug', 'the invoice', 'the dentist', 'taxes', 'flights'];
const TAGS = ['work', 'Home', 'errands', 'finance', 'health', 'urgent'];
const PRIORITIES = ['low', 'medium', 'medium', 'high'];

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)]!;

let created = 0;

function newTaskBody(): string {
  created += 1;
  const dueInDays = Math.round(Math.random() * 120 - 60);
  return JSON.stringify({
    title: `${pick(VERBS)} ${pick(OBJECTS)} #${created}`,
    ...(Math.random() < 0.5 ? {} : { description: 'Check the numbers twice before sending. Needs an answer this week.' }),
    priority: pick(PRIORITIES),
    tags: TAGS.filter(() => Math.random() < 0.25),
    ...(Math.random() < 0.4 ? {} : { due_date: new Date(Date.now() + dueInDays * 86_400_000).toISOString() }),
  });
}

function updateBody(): string {
  return JSON.stringify({ title: `${pick(VERBS)} ${pick(OBJECTS)} (edited)`, completed: Math.random() < 0.5 });
}

type Kind = Exclude<Scenario, 'mixed'>;

function mixedKind(): Kind {
  const draw = Math.random();
  if (draw < MIXED_SHARES.list) return 'list';
  if (draw < MIXED_SHARES.list + MIXED_SHARES.get) return 'get';
  if (draw < MIXED_SHARES.list + MIXED_SHARES.get + MIXED_SHARES.create) return 'create';
  return 'update';
}

/**
 * autocannon's `setupRequest` for a scenario: every request picks a user at random, sends that user's token,
 * and names one of that user's own tasks where the route takes an id.
 */
export function requestSetup(scenario: Scenario, { tokens, taskIdsByUser }: Workload): (request: autocannon.Request) => autocannon.Request {
  return (request) => {
    const user = Math.floor(Math.random() * tokens.length);
    const kind = scenario === 'mixed' ? mixedKind() : scenario;
    const authorization = `Bearer ${tokens[user]!}`;
    const taskPath = () => `/api/tasks/${pick(taskIdsByUser[user]!)}`;
    switch (kind) {
      case 'list':
        return { ...request, method: 'GET', path: `/api/tasks?limit=${LIST_PAGE_SIZE}`, headers: { authorization }, body: undefined };
      case 'get':
        return { ...request, method: 'GET', path: taskPath(), headers: { authorization }, body: undefined };
      case 'create':
        return {
          ...request,
          method: 'POST',
          path: '/api/tasks',
          headers: { authorization, 'content-type': 'application/json' },
          body: newTaskBody(),
        };
      case 'update':
        return {
          ...request,
          method: 'PATCH',
          path: taskPath(),
          headers: { authorization, 'content-type': 'application/json' },
          body: updateBody(),
        };
    }
  };
}
