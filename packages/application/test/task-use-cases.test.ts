import { InMemoryIdempotencyStore, InMemoryTaskRepository, InProcessChangeSignals } from '@todo/adapters';
import { taskId, taskInvalid, taskNotFound, userId, type Result, type TaskId } from '@todo/domain';
import fc from 'fast-check';
import t from 'tap';
import {
  createTaskUseCases,
  SORT_ORDERS,
  TASK_SORT_KEYS,
  TASK_STATUS_FILTERS,
  type Clock,
  type ListTasksRequest,
  type TaskUseCases,
} from '../src/index.js';

const alice = userId('alice');
const bob = userId('bob');
const start = '2026-01-18T09:30:00.000Z';
const later = '2026-02-01T12:00:00.000Z';

/** A clock that stands still until a test moves it. */
function testClock(): Clock & { set(iso: string): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(iso) {
      current = new Date(iso);
    },
  };
}

const setup = () => {
  const clock = testClock();
  const tasks = new InMemoryTaskRepository();
  return {
    clock,
    useCases: createTaskUseCases({
      tasks,
      clock,
      idempotency: new InMemoryIdempotencyStore(tasks),
      changes: tasks,
      signals: new InProcessChangeSignals(),
    }),
  };
};

/** The value of a result the test expects to succeed. */
function valueOf<T, E>(result: Result<T, E>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const everything: ListTasksRequest = { status: 'all', sort: 'created', order: 'asc', limit: 200 };

const listIds = async (useCases: TaskUseCases, request: Partial<ListTasksRequest> = {}) =>
  valueOf(await useCases.listTasks(alice, { ...everything, ...request })).tasks.map((task) => task.id);

const titles = async (useCases: TaskUseCases, request: Partial<ListTasksRequest> = {}) =>
  valueOf(await useCases.listTasks(alice, { ...everything, ...request })).tasks.map((task) => task.title);

/** Follows nextCursor from the first page to the last, returning the ids in the order seen. */
async function pageThrough(useCases: TaskUseCases, request: ListTasksRequest): Promise<{ ids: TaskId[]; pages: number }> {
  const ids: TaskId[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = valueOf(await useCases.listTasks(alice, { ...request, cursor }));
    if (page.tasks.length > request.limit) throw new Error(`a page of ${page.tasks.length} for limit ${request.limit}`);
    ids.push(...page.tasks.map((task) => task.id));
    cursor = page.nextCursor ?? undefined;
    if (++pages > 1000) throw new Error('the cursors never end');
  } while (cursor !== undefined);
  return { ids, pages };
}

t.test('createTask', async (t) => {
  t.test('stores a valid task with an id, version 1 and the clock\'s time', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: '  Pay rent ' }));
    t.match(created, { userId: alice, title: 'Pay rent', description: null, completed: false, version: 1 });
    t.equal(created.createdAt.toISOString(), start);
    t.equal(created.updatedAt.toISOString(), start);
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created }, 'it reads back');
  });

  t.test('keeps a given description and completion state', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent', description: 'by Friday', completed: true }));
    t.match(created, { description: 'by Friday', completed: true });
  });

  t.test('an invalid draft is task.invalid listing every field, and nothing is stored', async (t) => {
    const { useCases } = setup();
    const result = await useCases.createTask(alice, { title: ' ', description: 'd'.repeat(1001) });
    t.strictSame(result, {
      ok: false,
      error: taskInvalid([
        { field: 'title', message: 'must not be empty' },
        { field: 'description', message: 'must be at most 1000 characters' },
      ]),
    });
    t.strictSame(await listIds(useCases), []);
  });
});

t.test('getTask', async (t) => {
  t.test('the owner gets their task', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created });
  });

  t.test('another user\'s task is task.not_found, exactly like a missing one', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    const foreign = await useCases.getTask(bob, created.id);
    t.strictSame(foreign, { ok: false, error: taskNotFound(created.id) });
    valueOf(await useCases.deleteTask(alice, created.id));
    t.strictSame(await useCases.getTask(bob, created.id), foreign, 'the answer once it is really gone');
    t.strictSame(await useCases.getTask(alice, taskId(999)), { ok: false, error: taskNotFound(taskId(999)) });
  });
});

t.test('listTasks', async (t) => {
  t.test('lists the actor\'s tasks only', async (t) => {
    const { useCases } = setup();
    const mine = valueOf(await useCases.createTask(alice, { title: 'mine' }));
    valueOf(await useCases.createTask(bob, { title: 'theirs' }));
    t.strictSame(await listIds(useCases), [mine.id]);
  });

  t.test('status filters on completion', async (t) => {
    const { useCases } = setup();
    const pending = valueOf(await useCases.createTask(alice, { title: 'pending' }));
    const done = valueOf(await useCases.createTask(alice, { title: 'done', completed: true }));
    t.strictSame(await listIds(useCases, { status: 'pending' }), [pending.id]);
    t.strictSame(await listIds(useCases, { status: 'completed' }), [done.id]);
    t.strictSame(await listIds(useCases, { status: 'all' }), [pending.id, done.id]);
  });

  t.test('sort=title ignores ASCII case and orders by code point, asc and desc', async (t) => {
    const { useCases } = setup();
    for (const title of ['banana', '\u00c9clair', 'Apple', 'cherry', 'apple pie', '\u{1F600} party', '\uFF5E tilde']) {
      valueOf(await useCases.createTask(alice, { title }));
    }
    const ascending = ['Apple', 'apple pie', 'banana', 'cherry', '\u00c9clair', '\uFF5E tilde', '\u{1F600} party'];
    t.strictSame(await titles(useCases, { sort: 'title', order: 'asc' }), ascending);
    t.strictSame(await titles(useCases, { sort: 'title', order: 'desc' }), ascending.toReversed());
  });

  t.test('sort=created and sort=updated follow the clock, ties broken by id', async (t) => {
    const { useCases, clock } = setup();
    const first = valueOf(await useCases.createTask(alice, { title: 'first' }));
    const tied = valueOf(await useCases.createTask(alice, { title: 'same instant' }));
    clock.set('2026-01-19T00:00:00.000Z');
    const second = valueOf(await useCases.createTask(alice, { title: 'second' }));
    clock.set(later);
    valueOf(await useCases.updateTask(alice, first.id, { completed: true }));
    t.strictSame(await listIds(useCases, { sort: 'created', order: 'asc' }), [first.id, tied.id, second.id]);
    t.strictSame(await listIds(useCases, { sort: 'created', order: 'desc' }), [second.id, tied.id, first.id]);
    t.strictSame(await listIds(useCases, { sort: 'updated', order: 'asc' }), [tied.id, second.id, first.id]);
    t.strictSame(await listIds(useCases, { sort: 'updated', order: 'desc' }), [first.id, second.id, tied.id]);
  });

  t.test('limit caps the page, and nextCursor is there only when more tasks follow', async (t) => {
    const { useCases } = setup();
    for (const title of ['one', 'two', 'three']) valueOf(await useCases.createTask(alice, { title }));
    const exact = valueOf(await useCases.listTasks(alice, { ...everything, limit: 3 }));
    t.equal(exact.tasks.length, 3);
    t.equal(exact.nextCursor, null, 'exactly `limit` tasks: no cursor');
    const roomy = valueOf(await useCases.listTasks(alice, { ...everything, limit: 10 }));
    t.equal(roomy.nextCursor, null, 'fewer than `limit` tasks: no cursor');
    const first = valueOf(await useCases.listTasks(alice, { ...everything, limit: 2 }));
    t.strictSame(first.tasks.map((task) => task.title), ['one', 'two']);
    t.type(first.nextCursor, 'string', 'more follow: a cursor');
    const last = valueOf(await useCases.listTasks(alice, { ...everything, limit: 2, cursor: first.nextCursor ?? undefined }));
    t.strictSame(last.tasks.map((task) => task.title), ['three']);
    t.equal(last.nextCursor, null, 'the last page has no cursor');
  });

  t.test('an empty list has no cursor', async (t) => {
    const { useCases } = setup();
    t.strictSame(await useCases.listTasks(alice, everything), { ok: true, value: { tasks: [], nextCursor: null } });
  });

  t.test('following the cursors visits every task once, in order, for every status, sort, order and limit', async (t) => {
    const { useCases, clock } = setup();
    // Repeated titles and instants make ties that only the id can break.
    const instants = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z'];
    for (let i = 0; i < 9; i++) {
      clock.set(instants[i % 3]!);
      valueOf(await useCases.createTask(alice, { title: ['Rent', 'rent', 'Bills'][i % 3]!, completed: i % 4 === 0 }));
    }
    valueOf(await useCases.createTask(bob, { title: 'not alice\'s' }));
    for (const status of TASK_STATUS_FILTERS) {
      for (const sort of TASK_SORT_KEYS) {
        for (const order of SORT_ORDERS) {
          const all = await listIds(useCases, { status, sort, order });
          for (const limit of [1, 2, 4, all.length]) {
            const { ids, pages } = await pageThrough(useCases, { status, sort, order, limit });
            t.strictSame(ids, all, `${status} ${sort} ${order} limit=${limit}`);
            t.equal(pages, Math.max(1, Math.ceil(all.length / limit)), 'no empty page at the end');
          }
        }
      }
    }
  });

  t.test('paging is complete and in order for any tasks and request (property)', async (t) => {
    const tasks = fc.array(
      fc.record({
        title: fc.constantFrom('a', 'A', 'b', '\u00e9', '\u{1F600}', 'a b'),
        completed: fc.boolean(),
        minute: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 12 },
    );
    const request = fc.record({
      status: fc.constantFrom(...TASK_STATUS_FILTERS),
      sort: fc.constantFrom(...TASK_SORT_KEYS),
      order: fc.constantFrom(...SORT_ORDERS),
      limit: fc.integer({ min: 1, max: 5 }),
    });
    const details = await fc.check(
      fc.asyncProperty(tasks, request, async (drafts, request) => {
        const { useCases, clock } = setup();
        for (const { title, completed, minute } of drafts) {
          clock.set(`2026-01-01T00:0${minute}:00.000Z`);
          valueOf(await useCases.createTask(alice, { title, completed }));
        }
        const all = await listIds(useCases, { ...request, limit: 200 });
        const { ids } = await pageThrough(useCases, request);
        return ids.length === all.length && ids.every((id, i) => id === all[i]);
      }),
      { numRuns: 60 },
    );
    t.notOk(details.failed, fc.defaultReportMessage(details) ?? 'the property holds');
  });

  t.test('a cursor issued for another sort or order is task.invalid on the cursor field', async (t) => {
    const { useCases } = setup();
    for (const title of ['one', 'two']) valueOf(await useCases.createTask(alice, { title }));
    const { nextCursor } = valueOf(await useCases.listTasks(alice, { ...everything, sort: 'title', order: 'asc', limit: 1 }));
    t.type(nextCursor, 'string');
    for (const other of [{ sort: 'created', order: 'asc' }, { sort: 'title', order: 'desc' }] as const) {
      const result = await useCases.listTasks(alice, { ...everything, ...other, limit: 1, cursor: nextCursor ?? undefined });
      t.match(result, { ok: false, error: { code: 'task.invalid', issues: [{ field: 'cursor' }] } }, `${other.sort} ${other.order}`);
    }
  });

  t.test('a garbage cursor is task.invalid on the cursor field', async (t) => {
    const { useCases } = setup();
    for (const cursor of ['garbage', '', Buffer.from('{"id":1}').toString('base64url')]) {
      t.strictSame(await useCases.listTasks(alice, { ...everything, cursor }), {
        ok: false,
        error: taskInvalid([{ field: 'cursor', message: 'is not a cursor this service issued' }]),
      }, JSON.stringify(cursor));
    }
  });
});

t.test('replaceTask', async (t) => {
  t.test('sets the named fields, keeps the others, moves version and updatedAt, keeps createdAt', async (t) => {
    const { useCases, clock } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent', description: 'by Friday', completed: true }));
    clock.set(later);
    const replaced = valueOf(await useCases.replaceTask(alice, created.id, { title: '  Pay the rent ' }));
    t.strictSame(replaced, { ...created, title: 'Pay the rent', version: 2, updatedAt: new Date(later) });
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: replaced }, 'stored');
  });

  t.test('is a partial update, as frontends send it: no field is required, the title included', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent', description: 'by Friday' }));
    const replaced = valueOf(await useCases.replaceTask(alice, created.id, { completed: true }));
    t.match(replaced, { title: 'Pay rent', description: 'by Friday', completed: true, version: 2 });
    t.match(valueOf(await useCases.replaceTask(alice, created.id, {})), { title: 'Pay rent', completed: true, version: 3 }, 'an empty PUT is a write');
  });

  t.test('sets every field given', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent', description: 'by Friday', completed: true }));
    const replaced = valueOf(await useCases.replaceTask(alice, created.id, { title: 'Rent', description: null, completed: false }));
    t.match(replaced, { title: 'Rent', description: null, completed: false });
  });

  t.test('an invalid replacement is task.invalid with every issue and changes nothing', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    const result = await useCases.replaceTask(alice, created.id, { title: '', description: 'd'.repeat(1001) });
    t.match(result, { ok: false, error: { code: 'task.invalid', issues: [{ field: 'title' }, { field: 'description' }] } });
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created });
  });

  t.test('another user\'s task is task.not_found and stays as it was', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    t.strictSame(await useCases.replaceTask(bob, created.id, { title: 'mine now' }), { ok: false, error: taskNotFound(created.id) });
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created });
  });

  t.test('a missing task is task.not_found', async (t) => {
    const { useCases } = setup();
    t.strictSame(await useCases.replaceTask(alice, taskId(5), { title: 'x' }), { ok: false, error: taskNotFound(taskId(5)) });
  });
});

t.test('updateTask', async (t) => {
  t.test('changes only the named fields', async (t) => {
    const { useCases, clock } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent', description: 'by Friday' }));
    clock.set(later);
    const completed = valueOf(await useCases.updateTask(alice, created.id, { completed: true }));
    t.strictSame(completed, { ...created, completed: true, completedAt: new Date(later), version: 2, updatedAt: new Date(later) });
    const cleared = valueOf(await useCases.updateTask(alice, created.id, { description: null }));
    t.strictSame(cleared, { ...completed, description: null, version: 3 });
  });

  t.test('an invalid patch is task.invalid and changes nothing', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    t.strictSame(await useCases.updateTask(alice, created.id, { title: '\t', completed: true }), {
      ok: false,
      error: taskInvalid([{ field: 'title', message: 'must not be empty' }]),
    });
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created });
  });

  t.test('another user\'s task and a missing task are both task.not_found', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    t.strictSame(await useCases.updateTask(bob, created.id, { completed: true }), { ok: false, error: taskNotFound(created.id) });
    t.strictSame(await useCases.updateTask(alice, taskId(5), { completed: true }), { ok: false, error: taskNotFound(taskId(5)) });
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created }, 'unchanged');
  });
});

t.test('setCompletion', async (t) => {
  t.test('an explicit state is set whatever the current one', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    t.match(await useCases.setCompletion(alice, created.id, true), { ok: true, value: { completed: true, version: 2 } });
    t.match(await useCases.setCompletion(alice, created.id, true), { ok: true, value: { completed: true, version: 3 } });
    t.match(await useCases.setCompletion(alice, created.id, false), { ok: true, value: { completed: false, version: 4 } });
  });

  t.test('without a state it toggles, stamping the clock\'s time', async (t) => {
    const { useCases, clock } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    clock.set(later);
    const toggled = valueOf(await useCases.setCompletion(alice, created.id));
    t.strictSame(toggled, { ...created, completed: true, completedAt: new Date(later), version: 2, updatedAt: new Date(later) });
    t.match(await useCases.setCompletion(alice, created.id), { ok: true, value: { completed: false, version: 3 } });
  });

  t.test('another user\'s task is task.not_found and stays as it was', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    for (const completed of [true, undefined]) {
      t.strictSame(await useCases.setCompletion(bob, created.id, completed), { ok: false, error: taskNotFound(created.id) });
    }
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created });
  });

  t.test('a missing task is task.not_found', async (t) => {
    const { useCases } = setup();
    t.strictSame(await useCases.setCompletion(alice, taskId(5)), { ok: false, error: taskNotFound(taskId(5)) });
  });
});

t.test('deleteTask', async (t) => {
  t.test('removes the task: get, list and a second delete no longer find it', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    const kept = valueOf(await useCases.createTask(alice, { title: 'Buy milk' }));
    t.strictSame(await useCases.deleteTask(alice, created.id), { ok: true, value: undefined });
    t.strictSame(await useCases.getTask(alice, created.id), { ok: false, error: taskNotFound(created.id) });
    t.strictSame(await listIds(useCases), [kept.id]);
    t.strictSame(await useCases.deleteTask(alice, created.id), { ok: false, error: taskNotFound(created.id) });
  });

  t.test('another user\'s task is task.not_found and is kept', async (t) => {
    const { useCases } = setup();
    const created = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
    t.strictSame(await useCases.deleteTask(bob, created.id), { ok: false, error: taskNotFound(created.id) });
    t.strictSame(await useCases.getTask(alice, created.id), { ok: true, value: created });
  });
});
