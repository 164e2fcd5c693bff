import t from 'tap';
import { isolatedPglite, kyselyIdempotency } from './support/databases.js';
import { idempotencyStoreContract } from './support/idempotency-store-contract.js';
import { idempotencySweepTests } from './support/kysely-idempotency-sweep.js';

const connection = await isolatedPglite(t);
idempotencyStoreContract(t, async () => kyselyIdempotency(connection));
idempotencySweepTests(t, connection);
