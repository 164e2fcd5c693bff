export * from './date-time.js';
export * from './ids.js';
export * from './result.js';
export * from './tags.js';
export * from './task.js';
export * from './task-change.js';
export * from './task-errors.js';
export * from './text.js';
