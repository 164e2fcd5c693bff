import type { ClaimTimes, IdempotencyClaim, IdempotencyStore, IdempotentRequest } from '@todo/application';
import type { NewTask, Task } from '@todo/domain';
import { sql, type Kysely } from 'kysely';
import { DATABASE_TIMEOUTS } from './connection.js';
import type { Database } from './database.js';
import { KyselyTaskRepository } from './kysely-task-repository.js';
import { translateUnavailable } from './unavailable.js';

/** As many expired keys (of any user) as one claim deletes: bounded work per request, and no clean-up job. */
const SWEEP_BATCH = 100;
/** A claim that finds the key released between its two statements tries again, this often at most. */
const CLAIM_ATTEMPTS = 3;

/** The task as first created, in `response`: JSON with ISO 8601 instants. */
type StoredTask = Omit<Task, 'dueDate' | 'completedAt' | 'createdAt' | 'updatedAt'> & {
  readonly dueDate: string | null;
  readonly completedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
};

const fromStored = (stored: StoredTask): Task => ({
  ...stored,
  dueDate: stored.dueDate === null ? null : new Date(stored.dueDate),
  completedAt: stored.completedAt === null ? null : new Date(stored.completedAt),
  createdAt: new Date(stored.createdAt),
  updatedAt: new Date(stored.updatedAt),
});

/**
 * Idempotency keys in the `idempotency_keys` table, shared by every instance of the service. A claim is
 * one INSERT … ON CONFLICT statement; completing it is one transaction with the task's insert.
 */
export class KyselyIdempotencyStore implements IdempotencyStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  claim(request: IdempotentRequest, times: ClaimTimes): Promise<IdempotencyClaim> {
    return translateUnavailable(async () => {
      for (let attempt = 1; ; attempt++) {
        const claimed = await this.#tryClaim(request, times);
        if (claimed !== null) return { claimed: true, token: claimed };
        const holder = await this.#db
          .selectFrom('idempotency_keys')
          .select(['fingerprint', 'response'])
          .where('user_id', '=', request.owner)
          .where('key', '=', request.key)
          .executeTakeFirst();
        if (holder !== undefined) {
          return { claimed: false, fingerprint: holder.fingerprint, task: holder.response === null ? null : fromStored(holder.response as StoredTask) };
        }
        // The holder released the key between the two statements: claim again.
        if (attempt === CLAIM_ATTEMPTS) return { claimed: false, fingerprint: request.fingerprint, task: null };
      }
    });
  }

  /**
   * One statement: deletes a batch of expired keys (skipping rows other transactions hold), then inserts the
   * claim, or takes over the key's row when it expired or its lease ran out. Returns the new token, or null
   * when somebody else holds the key. Concurrent claims of one key queue on its row: exactly one wins.
   */
  async #tryClaim({ owner, key, fingerprint }: IdempotentRequest, { now, leaseUntil, expiresAt }: ClaimTimes): Promise<string | null> {
    const { rows } = await sql<{ claim_token: string }>`
      with swept as (
        delete from idempotency_keys
        where (user_id, key) in (
          select user_id, key from idempotency_keys
          where expires_at <= ${now} and not (user_id = ${owner} and key = ${key})
          order by expires_at
          limit ${SWEEP_BATCH}
          for update skip locked
        )
      )
      insert into idempotency_keys as held (user_id, key, fingerprint, locked_until, expires_at, created_at)
      values (${owner}, ${key}, ${fingerprint}, ${leaseUntil}, ${expiresAt}, ${now})
      on conflict (user_id, key) do update set
        fingerprint = excluded.fingerprint,
        claim_token = gen_random_uuid(),
        locked_until = excluded.locked_until,
        expires_at = excluded.expires_at,
        created_at = excluded.created_at,
        task_id = null,
        response = null
      where held.expires_at <= ${now} or (held.response is null and held.locked_until <= ${now})
      returning claim_token
    `.execute(this.#db);
    return rows[0]?.claim_token ?? null;
  }

  insertTask({ owner, key }: IdempotentRequest, token: string, task: NewTask): Promise<Task | null> {
    return translateUnavailable(() =>
      this.#db.transaction().execute(async (trx) => {
        // The row lock below makes retries of this key wait: the server ends this transaction by itself if a
        // statement runs on after the client gave up, or the client goes silent. Local to the transaction, so
        // a pooler in transaction mode keeps no trace of it.
        await sql`
          select set_config('statement_timeout', ${String(DATABASE_TIMEOUTS.transactionStatementMs)}, true),
                 set_config('idle_in_transaction_session_timeout', ${String(DATABASE_TIMEOUTS.transactionIdleMs)}, true)
        `.execute(trx);
        // Locks the key's row until commit: nobody can take the key over while the task is being created.
        const held = await trx
          .selectFrom('idempotency_keys')
          .select('claim_token')
          .where('user_id', '=', owner)
          .where('key', '=', key)
          .where('claim_token', '=', token)
          .where('response', 'is', null)
          .forUpdate()
          .executeTakeFirst();
        if (held === undefined) return null;
        const created = await new KyselyTaskRepository(trx).insert(task);
        await trx
          .updateTable('idempotency_keys')
          .set({ task_id: created.id, response: JSON.stringify(created) })
          .where('user_id', '=', owner)
          .where('key', '=', key)
          .execute();
        return created;
      }),
    );
  }

  release({ owner, key }: IdempotentRequest, token: string): Promise<void> {
    return translateUnavailable(async () => {
      await this.#db
        .deleteFrom('idempotency_keys')
        .where('user_id', '=', owner)
        .where('key', '=', key)
        .where('claim_token', '=', token)
        .where('response', 'is', null)
        .execute();
    });
  }
}
