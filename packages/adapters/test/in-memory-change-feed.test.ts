import t from 'tap';
import { InMemoryTaskRepository } from '../src/index.js';
import { changeFeedContract } from './support/change-feed-contract.js';

changeFeedContract(t, async () => {
  const tasks = new InMemoryTaskRepository();
  return { tasks, changes: tasks };
});
