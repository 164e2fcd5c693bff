import {
  compareForListing,
  positionOf,
  TASK_SORT_KEYS,
  SORT_ORDERS,
  TASK_STATUS_FILTERS,
  type TaskListQuery,
  type TaskRepository,
} from '@todo/application';
import { userId, type NewTask, type Task, type TaskId, type UserId } from '@todo/domain';
import fc from 'fast-check';
import type { Test } from 'tap';

let owners = 0;
/** A user of this run only: tests share a store but never each other's rows. */
const freshOwner = (): UserId => userId(`user-${process.pid}-${++owners}-${Math.random().toString(36).slice(2)}`);

const at = (iso: string) => new Date(iso);

const newTask = (owner: UserId, overrides: Partial<NewTask> = {}): NewTask => ({
  userId: owner,
  title: 'Pay rent',
  description: null,
  completed: false,
  createdAt: at('2026-01-18T09:30:00.123Z'),
  updatedAt: at('2026-01-18T09:30:00.123Z'),
  ...overrides,
});

const listAll = (repository: TaskRepository, owner: UserId, query: Partial<TaskListQuery> = {}) =>
  repository.listOwned(owner, { status: 'all', sort: 'created', order: 'desc', limit: 1000, after: null, ...query });

/**
 * The behaviour every TaskRepository adapter must share. Each adapter's test file runs it,
 * so the in-memory adapter cannot drift from PostgreSQL.
 */
export function taskRepositoryContract(t: Test, makeRepository: (t: Test) => Promise<TaskRepository>): void {
  t.test('insert assigns an id and version 1 and keeps every field, timestamps to the millisecond', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(newTask(owner, { description: 'by Friday', completed: true }));
    t.ok(Number.isSafeInteger(stored.id) && stored.id > 0, 'positive integer id');
    t.match(stored, { userId: owner, title: 'Pay rent', description: 'by Friday', completed: true, version: 1 });
    t.equal(stored.createdAt.toISOString(), '2026-01-18T09:30:00.123Z');
    t.equal(stored.updatedAt.toISOString(), '2026-01-18T09:30:00.123Z');
    const second = await repository.insert(newTask(owner));
    t.not(second.id, stored.id, 'ids are unique');
    t.same(await repository.findOwned(owner, stored.id), stored, 'reads back what it stored');
  });

  t.test('findOwned answers null for a missing task and for another user\'s task', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(newTask(owner));
    t.equal(await repository.findOwned(freshOwner(), stored.id), null);
    t.equal(await repository.findOwned(owner, (stored.id + 1_000_000) as TaskId), null);
  });

  t.test('updateOwned changes only the named fields, bumps version and updatedAt', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(newTask(owner, { description: 'keep me' }));
    const later = at('2026-02-01T00:00:00.001Z');
    const renamed = await repository.updateOwned(owner, stored.id, { title: 'Pay the rent' }, later);
    t.match(renamed, { id: stored.id, title: 'Pay the rent', description: 'keep me', completed: false, version: 2 });
    t.equal(renamed?.updatedAt.toISOString(), later.toISOString());
    t.equal(renamed?.createdAt.toISOString(), stored.createdAt.toISOString(), 'createdAt never changes');
    const cleared = await repository.updateOwned(owner, stored.id, { description: null, completed: true }, later);
    t.match(cleared, { title: 'Pay the rent', description: null, completed: true, version: 3 });
  });

  t.test('updateOwned, toggle and delete leave another user\'s task untouched', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const intruder = freshOwner();
    const stored = await repository.insert(newTask(owner));
    const now = at('2026-03-01T00:00:00.000Z');
    t.equal(await repository.updateOwned(intruder, stored.id, { title: 'mine now' }, now), null);
    t.equal(await repository.toggleCompletedOwned(intruder, stored.id, now), null);
    t.equal(await repository.deleteOwned(intruder, stored.id), false);
    t.same(await repository.findOwned(owner, stored.id), stored, 'unchanged');
  });

  t.test('toggleCompletedOwned flips completed each time and counts as a write', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(newTask(owner));
    const now = at('2026-03-01T00:00:00.000Z');
    t.match(await repository.toggleCompletedOwned(owner, stored.id, now), { completed: true, version: 2 });
    t.match(await repository.toggleCompletedOwned(owner, stored.id, now), { completed: false, version: 3 });
    t.equal(await repository.toggleCompletedOwned(owner, (stored.id + 1_000_000) as TaskId, now), null);
  });

  t.test('deleteOwned removes the task once', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(newTask(owner));
    t.equal(await repository.deleteOwned(owner, stored.id), true);
    t.equal(await repository.deleteOwned(owner, stored.id), false);
    t.equal(await repository.findOwned(owner, stored.id), null);
  });

  t.test('listOwned returns only the owner\'s tasks, filtered by status', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const open = await repository.insert(newTask(owner, { title: 'open' }));
    const done = await repository.insert(newTask(owner, { title: 'done', completed: true }));
    await repository.insert(newTask(freshOwner(), { title: 'someone else' }));
    t.same((await listAll(repository, owner)).map((task) => task.id).sort(), [open.id, done.id].sort());
    t.same((await listAll(repository, owner, { status: 'pending' })).map((task) => task.id), [open.id]);
    t.same((await listAll(repository, owner, { status: 'completed' })).map((task) => task.id), [done.id]);
  });

  t.test('listOwned sorts titles case-insensitively for ASCII, then by code point, ties by id', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    for (const title of ['banana', 'Apple', 'apple', 'Éclair', 'cherry', 'Zebra', '😀 smile', 'ábaco']) {
      await repository.insert(newTask(owner, { title }));
    }
    const titles = (await listAll(repository, owner, { sort: 'title', order: 'asc' })).map((task) => task.title);
    t.same(titles, ['Apple', 'apple', 'banana', 'cherry', 'Zebra', 'Éclair', 'ábaco', '😀 smile']);
  });

  t.test('paging with `after` visits every task exactly once, in order, for every sort, order and status', async (t) => {
    const repository = await makeRepository(t);
    const instant = fc.integer({ min: 0, max: 5 }).map((offset) => new Date(Date.UTC(2026, 0, 1, 0, 0, offset, offset)));
    const task = fc.record({
      title: fc.constantFrom('a', 'A', 'b', 'Béta', 'z', 'Z', 'é', '🙂'),
      completed: fc.boolean(),
      createdAt: instant,
      updatedAt: instant,
    });
    const query = fc.record({
      status: fc.constantFrom(...TASK_STATUS_FILTERS),
      sort: fc.constantFrom(...TASK_SORT_KEYS),
      order: fc.constantFrom(...SORT_ORDERS),
      limit: fc.integer({ min: 1, max: 7 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(task, { minLength: 0, maxLength: 20 }), query, async (drafts, { status, sort, order, limit }) => {
        const owner = freshOwner();
        const stored: Task[] = [];
        for (const draft of drafts) stored.push(await repository.insert(newTask(owner, draft)));
        const expected = stored
          .filter((task) => status === 'all' || task.completed === (status === 'completed'))
          .sort(compareForListing(sort, order))
          .map((task) => task.id);
        const visited: TaskId[] = [];
        let after: TaskListQuery['after'] = null;
        for (;;) {
          const page = await repository.listOwned(owner, { status, sort, order, limit, after });
          visited.push(...page.map((task) => task.id));
          const last = page.at(-1);
          if (page.length < limit || !last) break;
          after = positionOf(last, sort);
        }
        return JSON.stringify(visited) === JSON.stringify(expected);
      }),
      { numRuns: 25 },
    );
    t.pass('every page sequence matched the expected order');
  });
}
