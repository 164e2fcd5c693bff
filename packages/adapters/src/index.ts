export * from './memory/in-memory-task-repository.js';
export * from './postgres/connection.js';
export * from './postgres/kysely-task-repository.js';
export * from './postgres/migrate.js';
export * from './postgres/unavailable.js';
