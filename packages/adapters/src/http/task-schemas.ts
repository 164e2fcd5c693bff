import { LIST_LIMIT, SORT_ORDERS, TASK_SORT_KEYS, TASK_STATUS_FILTERS } from '@todo/application';
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, type Task } from '@todo/domain';
import { Type, type Static } from 'typebox';

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

export const TaskSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    user_id: Type.String({ description: "The owner: the token's user. Never taken from a request body." }),
    title: Type.String(),
    description: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
    completed: Type.Boolean(),
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
  created_at: task.createdAt.toISOString(),
  updated_at: task.updatedAt.toISOString(),
});

// Bodies reject unknown fields (422): a misspelt field must not be silently dropped.
export const CreateTaskBody = Type.Object(
  { title: Title, description: Type.Optional(Description), completed: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, title: 'CreateTask' },
);
export const ReplaceTaskBody = Type.Object(
  { title: Title, description: Type.Optional(Description), completed: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, title: 'ReplaceTask', description: 'Fields left out keep their value.' },
);
export const UpdateTaskBody = Type.Object(
  { title: Type.Optional(Title), description: Type.Optional(Description), completed: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, title: 'UpdateTask', description: 'Only the fields given change.' },
);
/** No body (or an empty one) flips `completed`; `{"completed": bool}` sets it. */
export const CompletionBody = Type.Unsafe<{ completed: boolean } | null>({
  type: ['object', 'null'],
  properties: { completed: { type: 'boolean' } },
  required: ['completed'],
  additionalProperties: false,
  title: 'Completion',
  description: 'Omit the body to flip `completed`; send `{"completed": bool}` to set it.',
});

export const TaskIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'A positive integer.' }),
});
export const CompatTaskIdParams = Type.Object({ user_id: Type.String(), ...TaskIdParams.properties });
export const CompatParams = Type.Object({
  user_id: Type.String({ description: "Must be the token's user, else 403." }),
});

export const ListTasksQuery = Type.Object(
  {
    status: Type.Enum(TASK_STATUS_FILTERS, { default: 'all' }),
    sort: Type.Enum(TASK_SORT_KEYS, { default: 'created' }),
    order: Type.Enum(SORT_ORDERS, { default: 'desc' }),
    limit: Type.Integer({ minimum: LIST_LIMIT.min, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'From the `Link: rel="next"` header of the previous page.' }),
    ),
  },
  { additionalProperties: false },
);
