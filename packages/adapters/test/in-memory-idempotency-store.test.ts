import t from 'tap';
import { InMemoryIdempotencyStore, InMemoryTaskRepository } from '../src/index.js';
import { idempotencyStoreContract } from './support/idempotency-store-contract.js';

idempotencyStoreContract(t, async () => {
  const tasks = new InMemoryTaskRepository();
  return { tasks, changes: tasks, idempotency: new InMemoryIdempotencyStore(tasks) };
});
