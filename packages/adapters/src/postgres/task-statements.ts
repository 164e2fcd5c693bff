import type { SortOrder, TaskListQuery, TaskSortKey } from '@todo/application';
import type { TaskId, UserId } from '@todo/domain';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import { FEED_LOCKED_FIRST, TAKEN_SEQ, takeNextSeq } from './change-feed-sql.js';
import { compileStatement, StatementCache, type CompiledStatement } from './compiled-statement.js';
import type { Database, TaskRow, TaskRowUpdate } from './database.js';

// The statements of the request path, each built once with Kysely and compiled once (per shape where parts are
// optional): see compiled-statement.ts. Their arguments are plain values, computed by the repository.

/** Compiles statements; never connected. */
const builder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** What a `Task` is made of: the folded texts, tag keys and feed position stay in the database. */
export const TASK_COLUMNS = [
  'id',
  'user_id',
  'title',
  'description',
  'completed',
  'priority',
  'tags',
  'due_date',
  'completed_at',
  'version',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof TaskRow)[];
export type TaskColumns = Pick<TaskRow, (typeof TASK_COLUMNS)[number]>;

export interface OwnedTaskArgs {
  readonly owner: UserId;
  readonly id: TaskId;
}

export const FIND_OWNED = compileStatement((args: OwnedTaskArgs) =>
  builder.selectFrom('tasks').select(TASK_COLUMNS).where('id', '=', args.id).where('user_id', '=', args.owner),
);

/** Every column a new task is written with. */
export interface NewTaskValues {
  readonly user_id: UserId;
  readonly title: string;
  readonly title_folded: string;
  readonly description: string | null;
  readonly description_folded: string | null;
  readonly completed: boolean;
  readonly completed_at: Date | null;
  readonly priority: number;
  readonly tags: readonly string[];
  readonly tag_keys: readonly string[];
  readonly due_date: Date | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export const INSERT = compileStatement((row: NewTaskValues) =>
  builder
    .with('feed', takeNextSeq(row.user_id))
    .insertInto('tasks')
    .values({
      user_id: row.user_id,
      title: row.title,
      title_folded: row.title_folded,
      description: row.description,
      description_folded: row.description_folded,
      completed: row.completed,
      completed_at: row.completed_at,
      priority: row.priority,
      tags: row.tags,
      tag_keys: row.tag_keys,
      due_date: row.due_date,
      created_at: row.created_at,
      updated_at: row.updated_at,
      change_seq: TAKEN_SEQ,
    })
    .returning(TASK_COLUMNS),
);

/** Which columns an update sets; `completed: 'toggle'` flips the stored value. */
export interface UpdateShape {
  readonly title: boolean;
  readonly description: boolean;
  readonly completed: boolean | 'toggle' | undefined;
  readonly priority: boolean;
  readonly tags: boolean;
  readonly dueDate: boolean;
  /** The write carries an `If-Match` precondition. */
  readonly expected: boolean;
}

export interface UpdateArgs extends OwnedTaskArgs {
  readonly now: Date;
  readonly title?: string;
  readonly title_folded?: string;
  readonly description?: string | null;
  readonly description_folded?: string | null;
  readonly priority?: number;
  readonly tags?: readonly string[];
  readonly tag_keys?: readonly string[];
  readonly due_date?: Date | null;
  readonly versions?: readonly number[];
}

const updates = new StatementCache<UpdateArgs>(256);

export function updateStatement(shape: UpdateShape): CompiledStatement<UpdateArgs> {
  const key = Object.values(shape).map(String).join();
  return updates.get(key, () => compileStatement((args: UpdateArgs) => compileUpdate(shape, args)));
}

function compileUpdate(shape: UpdateShape, args: UpdateArgs) {
  const set: TaskRowUpdate = { updated_at: args.now, version: sql<number>`version + 1`, change_seq: TAKEN_SEQ };
  if (shape.title) Object.assign(set, { title: args.title, title_folded: args.title_folded });
  if (shape.description) Object.assign(set, { description: args.description, description_folded: args.description_folded });
  if (shape.completed === 'toggle') {
    // On the right of SET, `completed` is the value before the update.
    set.completed = sql<boolean>`not completed`;
    set.completed_at = sql<Date | null>`case when completed then null else cast(${args.now} as timestamptz) end`;
  } else if (shape.completed !== undefined) {
    set.completed = shape.completed;
    // The SQL twin of `completedAtAfter`: evaluated on the row being updated, in the same statement.
    set.completed_at = shape.completed ? sql<Date>`coalesce(completed_at, ${args.now})` : null;
  }
  if (shape.priority) set.priority = args.priority!;
  if (shape.tags) Object.assign(set, { tags: args.tags, tag_keys: args.tag_keys });
  if (shape.dueDate) set.due_date = args.due_date!;
  return builder
    .with('feed', takeNextSeq(args.owner))
    .updateTable('tasks')
    .set(set)
    .where(FEED_LOCKED_FIRST)
    .where('id', '=', args.id)
    .where('user_id', '=', args.owner)
    .$if(shape.expected, (query) => query.where(versionIn(args.versions!)))
    .returning(TASK_COLUMNS);
}

/** The `If-Match` precondition, checked in the write's own WHERE clause: no read-then-write race. */
export const versionIn = (versions: readonly number[]) => sql<SqlBool>`version = any(cast(${versions} as bigint[]))`;

/** The due date as the two due-date indexes hold it: a missing one sorts last in either order (NO_DUE_DATE). */
const DUE_ASC = sql`coalesce(due_date, 'infinity'::timestamptz)`;
const DUE_DESC = sql`coalesce(due_date, '-infinity'::timestamptz)`;

interface SortExpression {
  /** What the rows are ordered by: written exactly as in the index that serves this sort. */
  readonly column: RawBuilder<unknown>;
  /** A cursor's sort value (a string from `sortValueOf`) as a value of the column's type. */
  readonly cast: (value: unknown) => RawBuilder<unknown>;
}

const asTimestamp = (value: unknown) => sql`cast(${value} as timestamptz)`;

/** The SQL twin of `sortValueOf` in the application: same values, same order, so the indexes serve each sort. */
function sortExpression(sort: TaskSortKey, order: SortOrder): SortExpression {
  switch (sort) {
    case 'created':
      return { column: sql`created_at`, cast: asTimestamp };
    case 'updated':
      return { column: sql`updated_at`, cast: asTimestamp };
    case 'title':
      return { column: sql`lower(title collate "C")`, cast: (value) => sql`(${value} collate "C")` };
    case 'priority':
      return { column: sql`priority`, cast: (value) => sql`cast(${value} as smallint)` };
    case 'due_date':
      // NO_DUE_DATE: tasks without a due date come last, in either order.
      return { column: order === 'asc' ? DUE_ASC : DUE_DESC, cast: asTimestamp };
  }
}

/** `searchTextOf` as stored: the expression of the trigram index, which `q` matches word by word. */
const SEARCH_TEXT = sql<string>`(title_folded || E'\\n' || coalesce(description_folded, ''))`;

/** A listing's arguments: `pattern0`, `pattern1`… are the LIKE patterns of the search words. */
export interface ListArgs {
  readonly owner: UserId;
  readonly limit: number;
  readonly completed?: boolean;
  readonly ranks?: readonly number[];
  readonly tags?: readonly string[];
  readonly dueAfter?: Date;
  readonly dueBefore?: Date;
  readonly now?: Date;
  readonly afterValue?: string;
  readonly afterId?: number;
  readonly [pattern: `pattern${number}`]: string;
}

/** What varies in a listing's SQL: everything of the query but the values. */
const listShapeOf = (query: TaskListQuery) =>
  [
    query.sort,
    query.order,
    query.status,
    query.priorities !== undefined,
    query.tags !== undefined && query.tags.length > 0,
    query.words?.length ?? 0,
    query.dueAfter !== undefined,
    query.dueBefore !== undefined,
    query.overdue?.value,
    query.after !== null,
  ].join();

const listings = new StatementCache<ListArgs>(256);

export function listStatement(query: TaskListQuery): CompiledStatement<ListArgs> {
  return listings.get(listShapeOf(query), () => compileStatement((args: ListArgs) => compileListing(query, args)));
}

/** The SQL twin of `matchesFilters`, in (sort value, id) order after the cursor. */
function compileListing(query: TaskListQuery, args: ListArgs) {
  const { column, cast } = sortExpression(query.sort, query.order);
  const direction = query.order === 'asc' ? sql`asc` : sql`desc`;
  let select = builder.selectFrom('tasks').select(TASK_COLUMNS).where('user_id', '=', args.owner);
  for (const condition of filterConditions(query, args, column)) select = select.where(condition);
  if (query.after !== null) {
    const comparison = query.order === 'asc' ? sql`>` : sql`<`;
    select = select.where(sql<SqlBool>`(${column}, id) ${comparison} (${cast(args.afterValue)}, ${args.afterId})`);
  }
  return select.orderBy(sql`${column} ${direction}`).orderBy(sql`id ${direction}`).limit(args.limit);
}

function filterConditions(query: TaskListQuery, args: ListArgs, sortColumn: RawBuilder<unknown>): RawBuilder<SqlBool>[] {
  const conditions: RawBuilder<SqlBool>[] = [];
  if (query.status !== 'all') conditions.push(sql`completed = ${args.completed}`);
  if (query.priorities !== undefined) conditions.push(sql`priority = any(cast(${args.ranks} as smallint[]))`);
  if (query.tags !== undefined && query.tags.length > 0) conditions.push(sql`tag_keys @> cast(${args.tags} as text[])`);
  (query.words ?? []).forEach((_word, index) => conditions.push(sql`${SEARCH_TEXT} like ${args[`pattern${index}`]}`));
  // Due-date bounds are stated twice: on due_date (which keeps out tasks without one), and on an indexed
  // due-date expression (equal to due_date wherever it is set), so that they bound an index range. Under
  // sort=due_date that is the sort's own expression: the range and the order come from one index.
  const dueIndexed = query.sort === 'due_date' ? sortColumn : DUE_ASC;
  if (query.dueAfter !== undefined) conditions.push(sql`due_date >= ${args.dueAfter}`, sql`${dueIndexed} >= ${args.dueAfter}`);
  if (query.dueBefore !== undefined) conditions.push(sql`due_date < ${args.dueBefore}`, sql`${dueIndexed} < ${args.dueBefore}`);
  if (query.overdue?.value === true) {
    conditions.push(sql`not completed and due_date < ${args.now}`, sql`${dueIndexed} < ${args.now}`);
  } else if (query.overdue?.value === false) {
    conditions.push(sql`(completed or due_date is null or due_date >= ${args.now})`);
  }
  return conditions;
}
