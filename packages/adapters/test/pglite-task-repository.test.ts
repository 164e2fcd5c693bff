import t from 'tap';
import { isolatedPglite, kyselyRepository } from './support/databases.js';
import { taskRepositoryContract } from './support/task-repository-contract.js';

// One embedded database for the file (starting PGlite takes a second); tests never share an owner.
const connection = await isolatedPglite(t);
taskRepositoryContract(t, async () => kyselyRepository(connection));
