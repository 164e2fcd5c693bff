import type { ChangeFeedQuery, ChangeFeedRead, PositionedChange, TaskChangeFeed } from '@todo/application';
import { taskDeleted, taskUpserted, type TaskId, type UserId } from '@todo/domain';
import { sql, type Kysely } from 'kysely';
import type { Database, TaskRow } from './database.js';
import { toTask } from './kysely-task-repository.js';
import { translateUnavailable } from './unavailable.js';

interface FeedRow {
  readonly head_seq: string | number | null;
  readonly forgotten_seq: string | number | null;
  /** Null in the one row of a read that found no change. */
  readonly kind: 'upsert' | 'delete' | null;
  readonly seq: string | number | null;
  readonly id: string | number | null;
  /** The task row as JSON (`to_jsonb`), for an upsert. */
  readonly task: Record<string, unknown> | null;
}

const asDate = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

/** A task row as `to_jsonb` writes it: timestamps are ISO 8601 text. */
const taskOfJson = (json: Record<string, unknown>) =>
  toTask({
    ...(json as unknown as TaskRow),
    due_date: asDate(json['due_date']),
    completed_at: asDate(json['completed_at']),
    created_at: asDate(json['created_at'])!,
    updated_at: asDate(json['updated_at'])!,
  });

/**
 * The change feed in PostgreSQL (or PGlite): a user's upserts are their tasks in `(change_seq, id)` order, their
 * deletions the rows of `task_deletions`. One statement reads both and the feed's head, so all three come from
 * one snapshot: a head that says `seq` n goes with every change up to n.
 */
export class KyselyTaskChangeFeed implements TaskChangeFeed {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  readChanges(owner: UserId, { after, limit }: ChangeFeedQuery): Promise<ChangeFeedRead> {
    const { seq, id } = after ?? { seq: 0, id: 0 };
    // One more than asked tells whether more follow.
    const take = limit + 1;
    const deletions =
      after === null
        ? sql`select null, null, null, null where false`
        : sql`
            (select 'delete', deletion.seq, deletion.task_id, null::jsonb
             from task_deletions as deletion
             where deletion.user_id = ${owner} and (deletion.seq, deletion.task_id) > (${seq}, ${id})
             order by deletion.seq, deletion.task_id
             limit ${take})`;
    return translateUnavailable(async () => {
      const { rows } = await sql<FeedRow>`
        select feed.head_seq, feed.forgotten_seq, change.kind, change.seq, change.id, change.task
        from (select 1) as one
        left join change_feeds as feed on feed.user_id = ${owner}
        left join lateral (
          select * from (
            (select 'upsert' as kind, task.change_seq as seq, task.id, to_jsonb(task) as task
             from tasks as task
             where task.user_id = ${owner} and (task.change_seq, task.id) > (${seq}, ${id})
             order by task.change_seq, task.id
             limit ${take})
            union all
            ${deletions}
          ) as merged
          order by seq, id
          limit ${take}
        ) as change on true
      `.execute(this.#db);
      const changes: PositionedChange[] = rows.flatMap((row) => {
        if (row.kind === null) return [];
        const position = { seq: Number(row.seq), id: Number(row.id) };
        const change = row.kind === 'upsert' ? taskUpserted(taskOfJson(row.task!)) : taskDeleted(position.id as TaskId);
        return [{ change, position }];
      });
      const first = rows[0];
      return {
        changes: changes.slice(0, limit),
        hasMore: changes.length > limit,
        headSeq: Number(first?.head_seq ?? 0),
        forgottenSeq: Number(first?.forgotten_seq ?? 0),
      };
    });
  }

  headSeq(owner: UserId): Promise<number> {
    return translateUnavailable(async () => {
      const feed = await this.#db.selectFrom('change_feeds').select('head_seq').where('user_id', '=', owner).executeTakeFirst();
      return Number(feed?.head_seq ?? 0);
    });
  }
}
