import { InMemoryIdempotencyStore, InMemoryTaskRepository, InProcessChangeSignals } from '@todo/adapters';
import {
  taskId,
  taskInvalid,
  taskNotFound,
  taskVersionMismatch,
  type NewTask,
  type Result,
  type Task,
} from '@todo/domain';
import t from 'tap';
import {
  createTaskUseCases,
  IDEMPOTENCY_CLAIM_LEASE_MS,
  IDEMPOTENCY_KEY_LIFETIME_MS,
  type Clock,
} from '../src/index.js';
import { alice, bob } from '../../domain/test/support/task-fixtures.js';

function testClock(): Clock & { advance(ms: number): void } {
  let current = new Date('2026-03-01T12:00:00.000Z').getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}

function setup(tasks = new InMemoryTaskRepository()) {
  const clock = testClock();
  const idempotency = new InMemoryIdempotencyStore(tasks);
  return { clock, tasks, useCases: createTaskUseCases({ tasks, clock, idempotency, changes: tasks, signals: new InProcessChangeSignals() }) };
}

function valueOf<T, E>(result: Result<T, E>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

t.test('conditional writes: the expected version or a mismatch; missing and foreign tasks stay not found', async (t) => {
  const { useCases } = setup();
  const task = valueOf(await useCases.createTask(alice, { title: 'Pay rent' }));
  t.strictSame(await useCases.updateTask(alice, task.id, { title: 'stale' }, [2]), { ok: false, error: taskVersionMismatch(task.id) });
  t.strictSame(await useCases.replaceTask(alice, task.id, { title: 'stale' }, [0]), { ok: false, error: taskVersionMismatch(task.id) });
  t.strictSame(await useCases.setCompletion(alice, task.id, undefined, [5]), { ok: false, error: taskVersionMismatch(task.id) });
  t.strictSame(await useCases.deleteTask(alice, task.id, []), { ok: false, error: taskVersionMismatch(task.id) });
  t.strictSame(await useCases.updateTask(bob, task.id, { title: 'mine' }, [1]), { ok: false, error: taskNotFound(task.id) }, "another user's task");
  t.strictSame(await useCases.deleteTask(alice, taskId(99), [1]), { ok: false, error: taskNotFound(taskId(99)) }, 'a missing task');
  t.strictSame(await useCases.getTask(alice, task.id), { ok: true, value: task }, 'nothing changed');
  t.match(await useCases.updateTask(alice, task.id, { title: 'fresh' }, [1]), { ok: true, value: { title: 'fresh', version: 2 } });
  t.match(await useCases.setCompletion(alice, task.id, true, [2]), { ok: true, value: { completed: true, version: 3 } });
  t.strictSame(await useCases.deleteTask(alice, task.id, [3]), { ok: true, value: undefined });
});

t.test('getStats counts the actor\'s tasks, overdue judged by the clock', async (t) => {
  const { useCases, clock } = setup();
  valueOf(await useCases.createTask(alice, { title: 'due soon', dueDate: '2026-03-01T13:00:00Z' }));
  valueOf(await useCases.createTask(alice, { title: 'done', completed: true, dueDate: '2026-01-01T00:00:00Z' }));
  valueOf(await useCases.createTask(bob, { title: 'theirs', dueDate: '2026-01-01T00:00:00Z' }));
  t.strictSame(await useCases.getStats(alice), { ok: true, value: { total: 2, completed: 1, pending: 1, overdue: 0 } });
  clock.advance(2 * 60 * 60 * 1000);
  t.strictSame(await useCases.getStats(alice), { ok: true, value: { total: 2, completed: 1, pending: 1, overdue: 1 } });
});

t.test('setCompletionOfMany answers with the tasks changed, by id; clearCompleted counts what it deleted', async (t) => {
  const { useCases } = setup();
  const a = valueOf(await useCases.createTask(alice, { title: 'a' }));
  const b = valueOf(await useCases.createTask(alice, { title: 'b', completed: true }));
  const c = valueOf(await useCases.createTask(alice, { title: 'c' }));
  const theirs = valueOf(await useCases.createTask(bob, { title: 'theirs' }));
  const changed = valueOf(await useCases.setCompletionOfMany(alice, [c.id, theirs.id, b.id, a.id, c.id], true));
  t.same(changed.map((task) => task.title), ['a', 'c']);
  t.strictSame(await useCases.setCompletionOfMany(alice, [], true), {
    ok: false,
    error: taskInvalid([{ field: 'ids', message: 'must name 1 to 200 tasks' }]),
  });
  t.equal(valueOf(await useCases.getTask(bob, theirs.id)).completed, false);
  t.strictSame(await useCases.clearCompleted(alice), { ok: true, value: 3 });
  t.strictSame(await useCases.clearCompleted(bob), { ok: true, value: 0 });
});

t.test('listTasks reports invalid filters and an invalid cursor together', async (t) => {
  const { useCases } = setup();
  const result = await useCases.listTasks(alice, { status: 'all', sort: 'due_date', order: 'asc', limit: 10, priority: ['urgent'], cursor: 'junk' });
  t.match(result, { ok: false, error: { code: 'task.invalid', issues: [{ field: 'priority' }, { field: 'cursor' }] } });
});

t.test('createTaskOnce', async (t) => {
  t.test('creates once; a retry with the same content gets the first task back, replayed', async (t) => {
    const { useCases, clock } = setup();
    const first = valueOf(await useCases.createTaskOnce(alice, 'k1', { title: 'Pay rent', tags: ['home'] }));
    t.equal(first.replayed, false);
    clock.advance(1000);
    valueOf(await useCases.updateTask(alice, first.task.id, { title: 'Renamed' }));
    t.strictSame(await useCases.createTaskOnce(alice, 'k1', { tags: ['home'], title: 'Pay rent' }), {
      ok: true,
      value: { task: first.task, replayed: true },
    });
    t.equal(valueOf(await useCases.listTasks(alice, { status: 'all', sort: 'created', order: 'asc', limit: 10 })).tasks.length, 1);
  });

  t.test('the same key with other content is refused; another user may use the same key', async (t) => {
    const { useCases } = setup();
    valueOf(await useCases.createTaskOnce(alice, 'k', { title: 'Pay rent' }));
    t.strictSame(await useCases.createTaskOnce(alice, 'k', { title: 'Pay rent', priority: 'high' }), {
      ok: false,
      error: { code: 'idempotency.key_reused' },
    });
    t.match(await useCases.createTaskOnce(bob, 'k', { title: 'Pay rent', priority: 'high' }), { ok: true, value: { replayed: false } });
  });

  t.test('an invalid key or draft is refused before the key is claimed', async (t) => {
    const { useCases } = setup();
    t.match(await useCases.createTaskOnce(alice, '', { title: 'x' }), { ok: false, error: { issues: [{ field: 'idempotency-key' }] } });
    t.match(await useCases.createTaskOnce(alice, 'k'.repeat(256), { title: 'x' }), { ok: false, error: { issues: [{ field: 'idempotency-key' }] } });
    for (const key of ['k\u0000', 'k\ud800']) {
      t.match(await useCases.createTaskOnce(alice, key, { title: 'x' }), { ok: false, error: { issues: [{ field: 'idempotency-key' }] } }, JSON.stringify(key));
    }
    t.match(await useCases.createTaskOnce(alice, '\u{1F600}'.repeat(255), { title: 'x' }), { ok: true }, '255 characters, counted in code points');
    t.match(await useCases.createTaskOnce(alice, 'k', { title: ' ' }), { ok: false, error: { code: 'task.invalid' } });
    t.match(await useCases.createTaskOnce(alice, 'k', { title: 'Fixed' }), { ok: true, value: { replayed: false } }, 'the key is still free');
  });

  t.test('a failed insert releases the key: the retry runs at once', async (t) => {
    let failures = 1;
    class FlakyRepository extends InMemoryTaskRepository {
      override async insert(task: NewTask): Promise<Task> {
        if (failures-- > 0) throw new Error('connection reset');
        return super.insert(task);
      }
    }
    const { useCases } = setup(new FlakyRepository());
    await t.rejects(useCases.createTaskOnce(alice, 'k', { title: 'Pay rent' }), /connection reset/);
    t.match(await useCases.createTaskOnce(alice, 'k', { title: 'Pay rent' }), { ok: true, value: { replayed: false } });
  });

  t.test('a key is held for the lease while its request runs, then forgotten after 24 hours', async (t) => {
    const { useCases, clock } = setup();
    valueOf(await useCases.createTaskOnce(alice, 'day', { title: 'Day one' }));
    clock.advance(IDEMPOTENCY_KEY_LIFETIME_MS - 1);
    t.match(await useCases.createTaskOnce(alice, 'day', { title: 'Day two' }), { ok: false, error: { code: 'idempotency.key_reused' } });
    clock.advance(1);
    t.match(await useCases.createTaskOnce(alice, 'day', { title: 'Day two' }), { ok: true, value: { replayed: false, task: { title: 'Day two' } } });
    t.ok(IDEMPOTENCY_CLAIM_LEASE_MS < IDEMPOTENCY_KEY_LIFETIME_MS);
  });
});
