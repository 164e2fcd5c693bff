export * from './ids.js';
export * from './result.js';
export * from './task.js';
export * from './task-errors.js';
