import { taskId, userId, type Task } from '../../src/index.js';

/** The two users of the tests: alice owns the fixture tasks, bob is the other user. */
export const alice = userId('alice');
export const bob = userId('bob');

/** When the fixture tasks were created, and a later instant for the writes that follow. */
export const created = new Date('2026-01-18T09:30:00.123Z');
export const later = new Date('2026-02-01T12:00:00.456Z');

/**
 * A stored task: alice's pending, medium-priority 'Pay rent', with no description, tags or due date,
 * at version 3, created and last updated at `created`. A test that depends on a field names it in `overrides`.
 */
export const aTask = (overrides: Partial<Task> = {}): Task => ({
  id: taskId(7),
  userId: alice,
  title: 'Pay rent',
  description: null,
  completed: false,
  priority: 'medium',
  tags: [],
  dueDate: null,
  completedAt: null,
  version: 3,
  createdAt: created,
  updatedAt: created,
  ...overrides,
});
