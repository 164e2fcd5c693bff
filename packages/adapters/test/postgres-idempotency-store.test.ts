import t from 'tap';
import { isolatedPgBouncer, isolatedPostgres, kyselyIdempotency, skipWithoutPostgres } from './support/databases.js';
import { idempotencyStoreContract } from './support/idempotency-store-contract.js';
import { idempotencySweepTests } from './support/kysely-idempotency-sweep.js';

t.test('KyselyIdempotencyStore on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await isolatedPostgres(t);
  idempotencyStoreContract(t, async () => kyselyIdempotency(connection));
  idempotencySweepTests(t, connection);
});

t.test('KyselyIdempotencyStore through PgBouncer in transaction mode (Neon\'s pooler)', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await isolatedPgBouncer(t);
  idempotencyStoreContract(t, async () => kyselyIdempotency(connection));
  idempotencySweepTests(t, connection);
});
