export * from './idempotency.js';
export * from './ports/clock.js';
export * from './ports/idempotency-store.js';
export * from './ports/task-repository.js';
export * from './task-list.js';
export * from './task-use-cases.js';
