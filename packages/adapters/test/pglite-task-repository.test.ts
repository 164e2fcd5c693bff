import t from 'tap';
import { isolatedPglite, kyselyRepository } from './support/databases.js';
import { taskRepositoryContract } from './support/task-repository-contract.js';

taskRepositoryContract(t, async (t) => kyselyRepository(await isolatedPglite(t)));
