import {
  BULK_COMPLETION_MAX_IDS,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  LIST_LIMIT,
  SEARCH_MAX_LENGTH,
  SORT_ORDERS,
  TASK_SORT_KEYS,
  TASK_STATUS_FILTERS,
} from '@todo/application';
import {
  DESCRIPTION_MAX_LENGTH,
  MAX_TAGS,
  PRIORITIES,
  TAG_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  type Task,
  type TaskChangesDraft,
} from '@todo/domain';
import { Type, type Static } from 'typebox';
import { formatInstant } from './instant.js';

// The length rule applies after trimming, so the domain checks it; the schema only checks the type.
const Title = Type.String({
  description: `Trimmed, then 1 to ${TITLE_MAX_LENGTH} characters.`,
  examples: ['Pay rent'],
});
// A type list rather than anyOf: one clear validation message instead of one per branch.
const Description = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  maxLength: DESCRIPTION_MAX_LENGTH,
  description: `Up to ${DESCRIPTION_MAX_LENGTH} characters, or null.`,
});
const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC, with milliseconds.' });

const NullableTimestamp = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  format: 'date-time',
  description: 'ISO 8601, UTC, with milliseconds; or null.',
});
const Priority = Type.Enum(PRIORITIES, { description: '`low`, `medium` or `high`.' });
const Tags = Type.Array(Type.String(), {
  maxItems: MAX_TAGS,
  description:
    `Up to ${MAX_TAGS} labels, each trimmed to 1 to ${TAG_MAX_LENGTH} characters. Compared without case: a tag spelt ` +
    'like one before it (`Work`, `work`) is the same tag, kept as first spelt. Returned sorted without case.',
  examples: [['work', 'Home']],
});
const DueDate = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  format: 'date-time',
  description: 'An ISO 8601 date-time with a time zone (`2026-01-31T17:00:00Z`, `…+02:00`), or null for none.',
  examples: ['2026-01-31T17:00:00Z'],
});

export const TaskSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    user_id: Type.String({ description: "The owner: the token's user. Never taken from a request body." }),
    title: Type.String(),
    description: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
    completed: Type.Boolean(),
    priority: Priority,
    tags: Type.Array(Type.String(), { description: 'Sorted without case; as first spelt.' }),
    due_date: NullableTimestamp,
    completed_at: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When the task became completed; null while it is pending. Set by the server only.',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Task', title: 'Task', additionalProperties: false },
);
export type TaskResource = Static<typeof TaskSchema>;

export const toTaskResource = (task: Task): TaskResource => ({
  id: task.id,
  user_id: task.userId,
  title: task.title,
  description: task.description,
  completed: task.completed,
  priority: task.priority,
  tags: [...task.tags],
  due_date: task.dueDate === null ? null : formatInstant(task.dueDate),
  completed_at: task.completedAt === null ? null : formatInstant(task.completedAt),
  created_at: formatInstant(task.createdAt),
  updated_at: formatInstant(task.updatedAt),
});

export interface TaskFieldsBody {
  readonly title?: string;
  readonly description?: string | null;
  readonly completed?: boolean;
  readonly priority?: string;
  readonly tags?: string[];
  readonly due_date?: string | null;
}

/** The wire's snake_case body as the domain's draft. */
export function draftOf<Body extends TaskFieldsBody>(body: Body): TaskChangesDraft & Pick<Body, 'title'> {
  const { due_date: dueDate, ...fields } = body;
  return { ...fields, dueDate };
}

const optionalFields = {
  description: Type.Optional(Description),
  completed: Type.Optional(Type.Boolean()),
  priority: Type.Optional(Priority),
  tags: Type.Optional(Tags),
  due_date: Type.Optional(DueDate),
};

// Bodies reject unknown fields (422): a misspelt field must not be silently dropped. `completed_at`, `id`,
// `user_id` and the timestamps are not fields of any body: the server alone sets them.
export const CreateTaskBody = Type.Object(
  { title: Title, ...optionalFields },
  { additionalProperties: false, title: 'CreateTask', description: 'Defaults: priority `medium`, no tags, no due date.' },
);
// PUT takes what PATCH takes: many frontends send partial PUTs, and a field left out must never be reset.
export const ReplaceTaskBody = Type.Object(
  { title: Type.Optional(Title), ...optionalFields },
  {
    additionalProperties: false,
    title: 'ReplaceTask',
    description: 'The same as UpdateTask: every field is optional, and fields left out keep their value.',
  },
);
export const UpdateTaskBody = Type.Object(
  { title: Type.Optional(Title), ...optionalFields },
  { additionalProperties: false, title: 'UpdateTask', description: 'Only the fields given change.' },
);
/** No body (or an empty one) and `{}` flip `completed`; `{"completed": bool}` sets it. */
export const CompletionBody = Type.Unsafe<{ completed?: boolean } | null>({
  type: ['object', 'null'],
  properties: { completed: { type: 'boolean' } },
  additionalProperties: false,
  title: 'Completion',
  description: 'Omit the body, or send `{}`, to flip `completed`; send `{"completed": bool}` to set it.',
});
export const BulkCompletionBody = Type.Object(
  {
    ids: Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), {
      minItems: 1,
      maxItems: BULK_COMPLETION_MAX_IDS,
      description: `1 to ${BULK_COMPLETION_MAX_IDS} task ids. Ids of tasks that do not exist or are not yours change nothing.`,
    }),
    completed: Type.Boolean({ description: 'The state to set.' }),
  },
  { additionalProperties: false, title: 'BulkCompletion' },
);

export const TaskIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'A positive integer.' }),
});
export const CompatTaskIdParams = Type.Object({ user_id: Type.String(), ...TaskIdParams.properties });
export const CompatParams = Type.Object({
  user_id: Type.String({ description: "Must be the token's user, else 403." }),
});

const DueInstant = (description: string) =>
  Type.Optional(Type.String({ format: 'date-time', description: `${description} ISO 8601 with a time zone (encode \`+\` as %2B).` }));

/** What a list request means when it leaves a parameter out (also written into the schema, for the docs). */
export const LIST_DEFAULTS = { status: 'all', sort: 'created', order: 'desc', limit: LIST_LIMIT.default } as const;

export const ListTasksQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(TASK_STATUS_FILTERS, { default: LIST_DEFAULTS.status })),
    sort: Type.Optional(
      Type.Enum(TASK_SORT_KEYS, {
        default: LIST_DEFAULTS.sort,
        description: '`due_date`: tasks without one come last in both orders. `priority`: `desc` (the default order) puts high first.',
      }),
    ),
    order: Type.Optional(Type.Enum(SORT_ORDERS, { default: LIST_DEFAULTS.order })),
    limit: Type.Optional(
      Type.Integer({ minimum: LIST_LIMIT.min, maximum: LIST_LIMIT.max, default: LIST_DEFAULTS.limit }),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'From the `Link: rel="next"` header of the previous page.' }),
    ),
    priority: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: 10,
        description: 'Tasks of any of these priorities: comma-separated (`priority=high,medium`), or the parameter repeated.',
      }),
    ),
    tag: Type.Optional(
      Type.Array(Type.String({ maxLength: 256 }), {
        maxItems: MAX_TAGS,
        description: 'Tasks carrying all of these tags, compared without case: repeat the parameter (`tag=work&tag=home`).',
      }),
    ),
    q: Type.Optional(
      Type.String({
        maxLength: SEARCH_MAX_LENGTH,
        description:
          'Words separated by spaces; each must appear, without case, in the title or the description (as a substring: ' +
          '`rent` finds "Rented"). `%`, `_` and `\\` are plain characters. A blank `q` filters nothing.',
      }),
    ),
    due_after: DueInstant('Tasks due at or after this instant.'),
    due_before: DueInstant('Tasks due strictly before this instant.'),
    overdue: Type.Optional(
      Type.Boolean({ description: '`true`: pending tasks whose due date has passed; `false`: every other task.' }),
    ),
  },
  { additionalProperties: false },
);

/** `DELETE /tasks` deletes only completed tasks, and only when asked exactly so. */
export const ClearTasksQuery = Type.Object(
  {
    status: Type.Enum(['completed'], {
      description: 'Required, and only `completed`: a bare `DELETE /tasks` never deletes everything.',
    }),
  },
  { additionalProperties: false },
);
export const ClearedTasks = Type.Object(
  { deleted: Type.Integer({ minimum: 0, description: 'How many completed tasks were deleted.' }) },
  { title: 'ClearedTasks' },
);

export const TaskStatsSchema = Type.Object(
  {
    total: Type.Integer({ minimum: 0 }),
    completed: Type.Integer({ minimum: 0 }),
    pending: Type.Integer({ minimum: 0 }),
    overdue: Type.Integer({ minimum: 0, description: 'Pending tasks whose due date has passed.' }),
  },
  { title: 'TaskStats' },
);
/** No parameter: an unknown one is 422, as on the list. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

// One or more entity tags (`"3"`, `W/"3"`, comma-separated) or `*`, as RFC 9110 writes them.
const ENTITY_TAGS = '^\\s*(\\*|(W/)?"[^"]*"(\\s*,\\s*(W/)?"[^"]*")*)\\s*$';

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      pattern: ENTITY_TAGS,
      description:
        'The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. ' +
        '`*` matches any version. Without it, writes go through as before.',
    }),
  ),
});
export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(
    Type.String({ pattern: ENTITY_TAGS, description: 'The ETag you hold: 304 with no body while the task still has it.' }),
  ),
});
export const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: IDEMPOTENCY_KEY_MAX_LENGTH,
      description:
        'Any unique string (a UUID): a retry with the same key and body within 24 hours returns the first answer ' +
        '(with `Idempotent-Replayed: true`) and creates nothing. Same key, other body: 422. While the first is running: 409.',
    }),
  ),
});
