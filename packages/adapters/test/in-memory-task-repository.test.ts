import t from 'tap';
import { InMemoryTaskRepository } from '../src/index.js';
import { taskRepositoryContract } from './support/task-repository-contract.js';

taskRepositoryContract(t, async () => new InMemoryTaskRepository());
