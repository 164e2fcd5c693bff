import t from 'tap';
import { KyselyTaskChangeFeed, KyselyTaskRepository } from '../src/index.js';
import { changeFeedContract } from './support/change-feed-contract.js';
import { isolatedPglite } from './support/databases.js';

// A repository per test: each one sweeps expired deletions on its own schedule, as an instance does.
const connection = await isolatedPglite(t);
changeFeedContract(t, async () => ({ tasks: new KyselyTaskRepository(connection.db, connection.run), changes: new KyselyTaskChangeFeed(connection.db) }));
