import t from 'tap';
import { isolatedPostgres, kyselyRepository, skipWithoutPostgres } from './support/databases.js';
import { taskRepositoryContract } from './support/task-repository-contract.js';

t.test('KyselyTaskRepository on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  taskRepositoryContract(t, async (t) => kyselyRepository(await isolatedPostgres(t)));
});
