import type { UserId } from '@todo/domain';
import { sql, type Kysely, type QueryCreator, type SqlBool } from 'kysely';
import type { Database } from './database.js';

/**
 * The `feed` CTE every write of tasks starts with: takes the owner's next `seq` and keeps the owner's
 * `change_feeds` row locked until the write commits. Writers of one user therefore commit in `seq` order,
 * and a reader that sees a `seq` sees every smaller one (specs/api/live.md, "Why the order holds").
 */
export const takeNextSeq = (owner: UserId) => (db: QueryCreator<Database>) =>
  db
    .insertInto('change_feeds')
    .values({ user_id: owner, head_seq: 1 })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ head_seq: sql`change_feeds.head_seq + 1` }))
    .returning('head_seq');

/** The `seq` the statement's `feed` CTE took. */
export const TAKEN_SEQ = sql<string | number>`(select head_seq from feed)`;

/**
 * In the WHERE clause of a write: PostgreSQL evaluates this uncorrelated subquery once, on the first candidate
 * row and before locking it, so every write locks its owner's feed before any task row. Two writes of one user
 * thus never hold a task row each while waiting for the other's feed lock (no deadlock between a bulk action
 * and a single write).
 */
export const FEED_LOCKED_FIRST = sql<SqlBool>`(select head_seq from feed) is not null`;

/** At most this many users' expired deletions are forgotten by one sweep. */
const SWEEP_USERS = 50;

/**
 * Forgets deletions made before `cutoff` and records, per user, the last `seq` forgotten. Takes only the feed rows
 * no writer holds (`skip locked`): it never waits, so it cannot deadlock with writers, and a user skipped now is
 * swept next time.
 */
export async function forgetDeletionsBefore(db: Kysely<Database>, cutoff: Date): Promise<void> {
  await sql`
    with expired_feeds as (
      select user_id from change_feeds
      where user_id in (select distinct user_id from task_deletions where deleted_at < ${cutoff} limit ${SWEEP_USERS})
      for update skip locked
    ),
    forgotten as (
      delete from task_deletions as deletion using expired_feeds
      where deletion.user_id = expired_feeds.user_id and deletion.deleted_at < ${cutoff}
      returning deletion.user_id, deletion.seq
    )
    update change_feeds set forgotten_seq = greatest(change_feeds.forgotten_seq, latest.seq)
    from (select user_id, max(seq) as seq from forgotten group by user_id) as latest
    where change_feeds.user_id = latest.user_id
  `.execute(db);
}
