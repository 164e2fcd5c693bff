import type { Test } from 'tap';
import type { DatabaseConnection } from '../../src/index.js';
import { kyselyIdempotency } from './databases.js';
import { freshOwner } from './task-repository-contract.js';

/** Kysely only: the table is where expired keys must disappear, without a clean-up job. */
export function idempotencySweepTests(t: Test, connection: DatabaseConnection): void {
  t.test('a claim deletes expired keys of any user, at most a batch at a time, and keeps live ones', async (t) => {
    const { idempotency } = kyselyIdempotency(connection);
    const day = 24 * 60 * 60_000;
    const base = Date.now() + 1000 * day; // later than any key other tests left
    const times = (offset: number) => ({
      now: new Date(base + offset),
      leaseUntil: new Date(base + offset + 60_000),
      expiresAt: new Date(base + offset + day),
    });
    const other = freshOwner();
    for (let i = 0; i < 120; i++) await idempotency.claim({ owner: other, key: `old-${i}`, fingerprint: 'f' }, times(0));
    await idempotency.claim({ owner: other, key: 'live', fingerprint: 'f' }, times(day));
    const count = async () =>
      Number(
        (
          await connection.db
            .selectFrom('idempotency_keys')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('user_id', '=', other)
            .executeTakeFirstOrThrow()
        ).n,
      );
    t.equal(await count(), 21, 'the claim at day 1 swept the first 100 expired keys of another user');
    await idempotency.claim({ owner: freshOwner(), key: 'k', fingerprint: 'f' }, times(day + 1));
    t.equal(await count(), 1, 'the next claim swept the remaining 20; the live key stays');
  });
}
