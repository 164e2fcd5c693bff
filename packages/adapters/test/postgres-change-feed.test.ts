import t from 'tap';
import { KyselyTaskChangeFeed, KyselyTaskRepository } from '../src/index.js';
import { changeFeedContract } from './support/change-feed-contract.js';
import { isolatedPostgres, skipWithoutPostgres } from './support/databases.js';

t.test('KyselyTaskChangeFeed on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await isolatedPostgres(t);
  changeFeedContract(t, async () => ({ tasks: new KyselyTaskRepository(connection.db), changes: new KyselyTaskChangeFeed(connection.db) }));
});
