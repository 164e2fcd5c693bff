import type { TaskListQuery, TaskRepository } from '@todo/application';
import type { NewTask, Task, TaskChanges, TaskId, UserId } from '@todo/domain';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database, NewTaskRow, TaskRow, TaskRowUpdate } from './database.js';
import { translateUnavailable } from './unavailable.js';

const toTask = (row: TaskRow): Task => ({
  id: Number(row.id) as TaskId,
  userId: row.user_id as UserId,
  title: row.title,
  description: row.description,
  completed: row.completed,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toNewRow = (task: NewTask): NewTaskRow => ({
  user_id: task.userId,
  title: task.title,
  description: task.description,
  completed: task.completed,
  created_at: task.createdAt,
  updated_at: task.updatedAt,
});

const toRowUpdate = (changes: TaskChanges): TaskRowUpdate => ({
  ...(changes.title === undefined ? {} : { title: changes.title }),
  ...(changes.description === undefined ? {} : { description: changes.description }),
  ...(changes.completed === undefined ? {} : { completed: changes.completed }),
});

/** The SQL twin of `sortValueOf` in the application: same values, same order, so the indexes serve each sort. */
const SORT_EXPRESSIONS = {
  created: { column: sql`created_at`, cast: (value: string) => sql`cast(${value} as timestamptz)` },
  updated: { column: sql`updated_at`, cast: (value: string) => sql`cast(${value} as timestamptz)` },
  title: { column: sql`lower(title collate "C")`, cast: (value: string) => sql`(${value} collate "C")` },
} as const;

export class KyselyTaskRepository implements TaskRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  insert(task: NewTask): Promise<Task> {
    return translateUnavailable(async () =>
      toTask(await this.#db.insertInto('tasks').values(toNewRow(task)).returningAll().executeTakeFirstOrThrow()),
    );
  }

  findOwned(owner: UserId, id: TaskId): Promise<Task | null> {
    return translateUnavailable(async () => {
      const row = await this.#db
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', owner)
        .executeTakeFirst();
      return row ? toTask(row) : null;
    });
  }

  updateOwned(owner: UserId, id: TaskId, changes: TaskChanges, now: Date): Promise<Task | null> {
    return this.#update(owner, id, { ...toRowUpdate(changes), updated_at: now });
  }

  toggleCompletedOwned(owner: UserId, id: TaskId, now: Date): Promise<Task | null> {
    return this.#update(owner, id, { completed: sql<boolean>`not completed`, updated_at: now });
  }

  deleteOwned(owner: UserId, id: TaskId): Promise<boolean> {
    return translateUnavailable(async () => {
      const result = await this.#db.deleteFrom('tasks').where('id', '=', id).where('user_id', '=', owner).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  listOwned(owner: UserId, query: TaskListQuery): Promise<Task[]> {
    const { column, cast } = SORT_EXPRESSIONS[query.sort];
    const direction = query.order === 'asc' ? sql`asc` : sql`desc`;
    let select = this.#db.selectFrom('tasks').selectAll().where('user_id', '=', owner);
    if (query.status !== 'all') select = select.where('completed', '=', query.status === 'completed');
    if (query.after !== null) {
      const comparison = query.order === 'asc' ? sql`>` : sql`<`;
      const afterPosition: Expression<SqlBool> = sql<SqlBool>`(${column}, id) ${comparison} (${cast(query.after.value)}, ${query.after.id})`;
      select = select.where(afterPosition);
    }
    return translateUnavailable(async () => {
      const rows = await select
        .orderBy(sql`${column} ${direction}`)
        .orderBy(sql`id ${direction}`)
        .limit(query.limit)
        .execute();
      return rows.map(toTask);
    });
  }

  #update(owner: UserId, id: TaskId, update: TaskRowUpdate): Promise<Task | null> {
    return translateUnavailable(async () => {
      const row = await this.#db
        .updateTable('tasks')
        .set({ ...update, version: sql<number>`version + 1` })
        .where('id', '=', id)
        .where('user_id', '=', owner)
        .returningAll()
        .executeTakeFirst();
      return row ? toTask(row) : null;
    });
  }
}
