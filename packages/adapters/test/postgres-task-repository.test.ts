import t from 'tap';
import { isolatedPostgres, kyselyRepository, skipWithoutPostgres } from './support/databases.js';
import { taskRepositoryContract } from './support/task-repository-contract.js';

t.test('KyselyTaskRepository on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  // One schema for the file: every test works with users of its own.
  const connection = await isolatedPostgres(t);
  taskRepositoryContract(t, async () => kyselyRepository(connection));
});
