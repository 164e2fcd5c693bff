import t from 'tap';
import { KyselyTaskChangeFeed, KyselyTaskRepository, type DatabaseConnection } from '../src/index.js';
import { changeFeedContract } from './support/change-feed-contract.js';
import { isolatedPgBouncer, isolatedPostgres, skipWithoutPostgres } from './support/databases.js';

// A repository per test: each one sweeps expired deletions on its own schedule, as an instance does.
const fixture = (connection: DatabaseConnection) => async () => ({
  tasks: new KyselyTaskRepository(connection.db, connection.run),
  changes: new KyselyTaskChangeFeed(connection.db),
});

t.test('KyselyTaskChangeFeed on PostgreSQL', { skip: skipWithoutPostgres }, async (t) => {
  changeFeedContract(t, fixture(await isolatedPostgres(t)));
});

t.test("KyselyTaskChangeFeed through PgBouncer in transaction mode (Neon's pooler)", { skip: skipWithoutPostgres }, async (t) => {
  changeFeedContract(t, fixture(await isolatedPgBouncer(t)));
});
