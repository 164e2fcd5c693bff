import type { TaskUseCases, UseCaseError } from '@todo/application';
import { ok, type Result, type TaskId, type UserId } from '@todo/domain';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { Type, type Static, type TObject } from 'typebox';
import {
  ClearedTasks,
  CreateTaskBody,
  draftOf,
  LIST_DEFAULTS,
  ListTasksQuery,
  TaskIdParams,
  TaskSchema,
  TaskStatsSchema,
  toTaskResource,
  UpdateTaskBody,
} from '../wire/task-schemas.js';

/** One MCP tool: what a model reads (name, description, schemas, hints) and what it does. */
export interface TaskTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: TObject;
  readonly outputSchema: TObject;
  readonly annotations: ToolAnnotations;
  /** Runs with arguments the input schema accepted, as `actor`; answers the structured output. */
  readonly run: (actor: UserId, input: Record<string, unknown>) => Promise<Result<Record<string, unknown>, UseCaseError>>;
}

function tool<Input extends TObject, Output extends TObject>(definition: {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: Input;
  readonly output: Output;
  readonly annotations: ToolAnnotations;
  readonly run: (actor: UserId, input: Static<Input>) => Promise<Result<Static<Output>, UseCaseError>>;
}): TaskTool {
  const { input, output, run, ...rest } = definition;
  return {
    ...rest,
    inputSchema: input,
    outputSchema: output,
    // The server calls `run` only with arguments that `input` accepted, which is what `Static<Input>` describes.
    run: run as unknown as TaskTool['run'],
  };
}

/**
 * Every tool takes this, and it is never needed: the user is always the one the bearer token names. A client that
 * sends it anyway must name that very user (the server checks it before anything else).
 */
const UserIdArgument = Type.Optional(
  Type.String({
    description:
      "Leave this out: the tasks are always those of the user your access token names. If given, it must be that user's id, or the call fails.",
  }),
);

const TaskIdArgument = Type.With(TaskIdParams.properties.id, {
  description: "The task's id: a positive integer, as add_task and list_tasks return it (not its title).",
});

// The Task of the REST API, inlined: without the `$id` that REST's OpenAPI document uses, because MCP clients
// compile every tool's output schema into one validator, where a repeated `$id` would clash.
const Task = Type.Object(TaskSchema.properties, {
  additionalProperties: false,
  title: 'Task',
  description:
    'A task. `id` is an integer; timestamps are ISO 8601 in UTC; `completed_at` is set by the server when the task is completed.',
});

const taskArguments = <Properties extends TObject['properties']>(properties: Properties) =>
  Type.Object({ ...properties, user_id: UserIdArgument }, { additionalProperties: false });

const { status, sort, order, limit, q, overdue, tag, due_after, due_before, cursor } = ListTasksQuery.properties;

const ListTasksArguments = taskArguments({
  status,
  priority: Type.Optional(
    Type.Array(TaskSchema.properties.priority, {
      maxItems: 10,
      description: 'Only tasks with any of these priorities, e.g. ["high"] or ["high", "medium"].',
    }),
  ),
  tag: Type.With(tag, { description: 'Only tasks carrying every one of these tags (compared without case).' }),
  q,
  due_after: Type.With(due_after, { description: 'Only tasks due at or after this instant: ISO 8601 with a time zone.' }),
  due_before: Type.With(due_before, { description: 'Only tasks due strictly before this instant: ISO 8601 with a time zone.' }),
  overdue,
  sort,
  order,
  limit,
  cursor: Type.With(cursor, {
    description:
      'Leave out for the first page. For the next page, pass the `next_cursor` of the previous answer, with the same ' +
      'filters, sort and order.',
  }),
});

const TaskListing = Type.Object(
  {
    tasks: Type.Array(Task, { description: 'One page of tasks, in the requested order.' }),
    next_cursor: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'null on the last page; otherwise pass it as `cursor` to list_tasks to get the next page.',
    }),
  },
  { additionalProperties: false },
);

const DeletedTask = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: 'The id of the task deleted.' }),
    deleted: Type.Literal(true),
  },
  { additionalProperties: false },
);

const READ_ONLY: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };

/** The tools of the MCP endpoint: the same use cases as the REST routes, with the acting user passed explicitly. */
export function createTaskTools(useCases: TaskUseCases): readonly TaskTool[] {
  return [
    tool({
      name: 'add_task',
      title: 'Add a task',
      description:
        "Creates a task in the user's todo list and returns it with its `id` (an integer: keep it to change the task " +
        'later). Only `title` is required. `priority` is low, medium (default) or high; `tags` are short labels; ' +
        '`due_date` is an ISO 8601 date-time with a time zone, like 2026-01-31T17:00:00Z or 2026-01-31T17:00:00+02:00. ' +
        'Each call creates a new task, so do not call it again to retry something that succeeded.',
      input: taskArguments(CreateTaskBody.properties),
      output: Task,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      run: async (actor, { user_id: _, ...fields }) => {
        const created = await useCases.createTask(actor, draftOf(fields));
        return created.ok ? ok(toTaskResource(created.value)) : created;
      },
    }),

    tool({
      name: 'list_tasks',
      title: 'List tasks',
      description:
        "Lists the user's tasks, newest first unless `sort`/`order` say otherwise, one page at a time (up to `limit`, " +
        'default 100). Filters combine: `status` (all, pending, completed), `priority` (any of), `tag` (all of), `q` ' +
        '(words in the title or description), due-date range, `overdue`. When `next_cursor` is not null, more tasks ' +
        'follow: call again with `cursor` set to it and the same other arguments. Use task_stats for counts only.',
      input: ListTasksArguments,
      output: TaskListing,
      annotations: READ_ONLY,
      run: async (actor, { user_id: _, due_after: dueAfter, due_before: dueBefore, ...query }) => {
        const listing = await useCases.listTasks(actor, { ...LIST_DEFAULTS, ...query, dueAfter, dueBefore });
        if (!listing.ok) return listing;
        return ok({ tasks: listing.value.tasks.map(toTaskResource), next_cursor: listing.value.nextCursor });
      },
    }),

    tool({
      name: 'get_task',
      title: 'Get a task',
      description: 'Returns one task of the user by its integer `id`. A task that does not exist (or is not theirs) is an error.',
      input: taskArguments({ id: TaskIdArgument }),
      output: Task,
      annotations: READ_ONLY,
      run: async (actor, { id }) => {
        const task = await useCases.getTask(actor, id as TaskId);
        return task.ok ? ok(toTaskResource(task.value)) : task;
      },
    }),

    tool({
      name: 'update_task',
      title: 'Update a task',
      description:
        'Changes only the fields given and keeps every other one; returns the task as updated. `description` and ' +
        '`due_date` can be set to null to clear them; `tags` replaces the whole list. To mark a task done or not ' +
        'done, prefer complete_task.',
      input: taskArguments({ id: TaskIdArgument, ...UpdateTaskBody.properties }),
      output: Task,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      run: async (actor, { id, user_id: _, ...changes }) => {
        const task = await useCases.updateTask(actor, id as TaskId, draftOf(changes));
        return task.ok ? ok(toTaskResource(task.value)) : task;
      },
    }),

    tool({
      name: 'complete_task',
      title: 'Complete or reopen a task',
      description:
        'Marks a task completed (`completed: true`) or pending again (`completed: false`) and returns it. Without ' +
        '`completed` it flips the current state, so calling it twice undoes it: when you know the state you want, ' +
        'send `completed`.',
      input: taskArguments({
        id: TaskIdArgument,
        completed: Type.Optional(Type.Boolean({ description: 'The state to set. Leave out to flip the current state.' })),
      }),
      output: Task,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      run: async (actor, { id, completed }) => {
        const task = await useCases.setCompletion(actor, id as TaskId, completed);
        return task.ok ? ok(toTaskResource(task.value)) : task;
      },
    }),

    tool({
      name: 'delete_task',
      title: 'Delete a task',
      description: 'Deletes one task of the user for good (there is no undo). Ask the user first unless they asked for it.',
      input: taskArguments({ id: TaskIdArgument }),
      output: DeletedTask,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      run: async (actor, { id }) => {
        const deleted = await useCases.deleteTask(actor, id as TaskId);
        return deleted.ok ? ok({ id, deleted: true as const }) : deleted;
      },
    }),

    tool({
      name: 'clear_completed',
      title: 'Delete every completed task',
      description:
        "Deletes all of the user's completed tasks at once (there is no undo) and returns how many. Pending tasks stay.",
      input: taskArguments({}),
      output: ClearedTasks,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      run: async (actor) => {
        const deleted = await useCases.clearCompleted(actor);
        return deleted.ok ? ok({ deleted: deleted.value }) : deleted;
      },
    }),

    tool({
      name: 'task_stats',
      title: 'Count tasks',
      description: "Counts the user's tasks: total, completed, pending, and overdue (pending with a due date in the past).",
      input: taskArguments({}),
      output: TaskStatsSchema,
      annotations: READ_ONLY,
      run: (actor) => useCases.getStats(actor),
    }),
  ];
}
