import t from 'tap';
import { isolatedPgBouncer, isolatedPostgres, kyselyRepository, skipWithoutPostgres } from './support/databases.js';
import { taskRepositoryContract } from './support/task-repository-contract.js';

t.test('KyselyTaskRepository on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  // One schema for the file: every test works with users of its own.
  const connection = await isolatedPostgres(t);
  taskRepositoryContract(t, async () => kyselyRepository(connection));
});

t.test('KyselyTaskRepository through PgBouncer in transaction mode (Neon\'s pooler)', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await isolatedPgBouncer(t);
  taskRepositoryContract(t, async () => kyselyRepository(connection));
});
