import t from 'tap';
import {
  applyTaskChanges,
  completionChange,
  createTask,
  DESCRIPTION_MAX_LENGTH,
  isOwnedBy,
  ownedTask,
  parseDescription,
  parseTaskChanges,
  parseTitle,
  taskId,
  taskInvalid,
  taskNotFound,
  TITLE_MAX_LENGTH,
  userId,
} from '../src/index.js';
import { alice, aTask, bob, created, later } from './support/task-fixtures.js';

const grin = '\u{1F600}'; // one code point, two UTF-16 units

t.test('parseTitle', async (t) => {
  t.test('trims surrounding whitespace, tabs and newlines', async (t) => {
    t.strictSame(parseTitle('  Pay rent \t\n'), { ok: true, value: 'Pay rent' });
    t.strictSame(parseTitle('\u00a0\u3000Pay  rent\u2003'), { ok: true, value: 'Pay  rent' }, 'Unicode spaces too, inner ones kept');
  });

  t.test('an empty or whitespace-only title is refused', async (t) => {
    for (const raw of ['', ' ', '\t\n  ', '\u00a0\u3000']) {
      t.strictSame(parseTitle(raw), { ok: false, error: { field: 'title', message: 'must not be empty' } }, JSON.stringify(raw));
    }
  });

  t.test('200 code points is accepted, 201 is refused', async (t) => {
    t.equal(TITLE_MAX_LENGTH, 200);
    t.strictSame(parseTitle('a'.repeat(200)), { ok: true, value: 'a'.repeat(200) });
    t.strictSame(parseTitle('a'.repeat(201)), { ok: false, error: { field: 'title', message: 'must be at most 200 characters' } });
  });

  t.test('the limit applies after trimming', async (t) => {
    t.strictSame(parseTitle(`   ${'a'.repeat(200)}   `), { ok: true, value: 'a'.repeat(200) });
  });

  t.test('an astral character counts as one', async (t) => {
    const twoHundred = grin.repeat(200);
    t.equal(twoHundred.length, 400, 'the sample is 400 UTF-16 units long');
    t.strictSame(parseTitle(twoHundred), { ok: true, value: twoHundred });
    t.equal(parseTitle(grin.repeat(201)).ok, false);
    t.equal(parseTitle(`${'a'.repeat(199)}${grin}`).ok, true, '199 letters and one emoji are 200 characters');
  });
});

t.test('parseDescription', async (t) => {
  t.test('null means no description and is accepted', async (t) => {
    t.strictSame(parseDescription(null), { ok: true, value: null });
  });

  t.test('is kept as written, neither trimmed nor emptied to null', async (t) => {
    t.strictSame(parseDescription('  by Friday \n'), { ok: true, value: '  by Friday \n' });
    t.strictSame(parseDescription(''), { ok: true, value: '' });
  });

  t.test('1000 code points is accepted, 1001 is refused', async (t) => {
    t.equal(DESCRIPTION_MAX_LENGTH, 1000);
    t.strictSame(parseDescription('d'.repeat(1000)), { ok: true, value: 'd'.repeat(1000) });
    t.strictSame(parseDescription('d'.repeat(1001)), {
      ok: false,
      error: { field: 'description', message: 'must be at most 1000 characters' },
    });
  });

  t.test('an astral character counts as one', async (t) => {
    t.equal(parseDescription(grin.repeat(1000)).ok, true);
    t.equal(parseDescription(grin.repeat(1001)).ok, false);
  });
});

t.test('parseTaskChanges', async (t) => {
  t.test('reports every invalid field at once', async (t) => {
    t.strictSame(parseTaskChanges({ title: '   ', description: 'd'.repeat(1001), completed: true }), {
      ok: false,
      error: {
        code: 'task.invalid',
        issues: [
          { field: 'title', message: 'must not be empty' },
          { field: 'description', message: 'must be at most 1000 characters' },
        ],
      },
    });
  });

  t.test('one invalid field fails the whole set of changes', async (t) => {
    const result = parseTaskChanges({ title: 'fine', description: 'd'.repeat(1001) });
    t.strictSame(result, { ok: false, error: taskInvalid([{ field: 'description', message: 'must be at most 1000 characters' }]) });
  });

  t.test('valid changes come back normalised, absent and undefined fields left out', async (t) => {
    const result = parseTaskChanges({ title: '  Pay rent ', description: undefined, completed: false });
    t.strictSame(result, { ok: true, value: { title: 'Pay rent', completed: false } });
    t.ok(result.ok && !('description' in result.value), 'an undefined field is not a change');
    t.strictSame(parseTaskChanges({}), { ok: true, value: {} });
  });

  t.test('description null is a change that clears it', async (t) => {
    t.strictSame(parseTaskChanges({ description: null }), { ok: true, value: { description: null } });
  });
});

t.test('createTask', async (t) => {
  t.test('defaults: no description, not completed, both timestamps now', async (t) => {
    t.strictSame(createTask(alice, { title: ' Pay rent ' }, created), {
      ok: true,
      value: {
        userId: alice,
        title: 'Pay rent',
        description: null,
        completed: false,
        priority: 'medium',
        tags: [],
        dueDate: null,
        completedAt: null,
        createdAt: created,
        updatedAt: created,
      },
    });
  });

  t.test('keeps a given description and completion state', async (t) => {
    const result = createTask(alice, { title: 'Pay rent', description: 'by Friday', completed: true }, created);
    t.match(result, { ok: true, value: { description: 'by Friday', completed: true } });
  });

  t.test('leaves the id and version to the store', async (t) => {
    const result = createTask(alice, { title: 'Pay rent' }, created);
    t.ok(result.ok);
    if (result.ok) {
      t.notOk('id' in result.value, 'no id');
      t.notOk('version' in result.value, 'no version');
    }
  });

  t.test('an invalid draft is task.invalid with every issue', async (t) => {
    t.strictSame(createTask(alice, { title: '', description: 'd'.repeat(1001) }, created), {
      ok: false,
      error: taskInvalid([
        { field: 'title', message: 'must not be empty' },
        { field: 'description', message: 'must be at most 1000 characters' },
      ]),
    });
  });
});

t.test('applyTaskChanges', async (t) => {
  t.test('changes the named fields and keeps the others', async (t) => {
    const before = aTask({ completed: true, version: 3 });
    const after = applyTaskChanges(before, { title: 'Pay the rent' }, later);
    t.strictSame(after, { ...before, title: 'Pay the rent', version: 4, updatedAt: later });
  });

  t.test('bumps the version by one and sets updatedAt, createdAt stays', async (t) => {
    const after = applyTaskChanges(aTask({ version: 9, createdAt: created }), {}, later);
    t.equal(after.version, 10);
    t.equal(after.updatedAt, later);
    t.equal(after.createdAt, created);
  });

  t.test('description null clears the description', async (t) => {
    t.equal(applyTaskChanges(aTask({ description: 'by Friday' }), { description: null }, later).description, null);
  });

  t.test('returns a new value and leaves the given task unchanged', async (t) => {
    const before = aTask({ description: 'by Friday' });
    const snapshot = { ...before };
    const after = applyTaskChanges(before, { title: 'Other', completed: true }, later);
    t.not(after, before);
    t.strictSame(before, snapshot);
  });
});

t.test('completionChange', async (t) => {
  t.test('an explicit state is set whatever the current one', async (t) => {
    for (const current of [false, true]) {
      t.strictSame(completionChange({ completed: current }, true), { completed: true });
      t.strictSame(completionChange({ completed: current }, false), { completed: false });
    }
  });

  t.test('without a state it flips the current one', async (t) => {
    t.strictSame(completionChange({ completed: false }), { completed: true });
    t.strictSame(completionChange({ completed: true }), { completed: false });
  });
});

t.test('ownership', async (t) => {
  t.test('isOwnedBy is true for the owner only', async (t) => {
    t.equal(isOwnedBy(aTask({ userId: alice }), alice), true);
    t.equal(isOwnedBy(aTask({ userId: alice }), bob), false);
  });

  t.test('ownedTask hands the owner their task', async (t) => {
    const mine = aTask({ userId: alice });
    t.strictSame(ownedTask(mine, alice, mine.id), { ok: true, value: mine });
  });

  t.test('a missing task and another user\'s task are the same task.not_found error', async (t) => {
    const id = taskId(7);
    const missing = ownedTask(null, bob, id);
    const foreign = ownedTask(aTask({ id, userId: alice }), bob, id);
    t.strictSame(missing, { ok: false, error: { code: 'task.not_found', taskId: id } });
    t.strictSame(foreign, missing);
    t.strictSame(foreign, { ok: false, error: taskNotFound(id) });
  });
});

t.test('ids', async (t) => {
  t.test('taskId accepts positive safe integers only', async (t) => {
    t.equal(taskId(1), 1);
    t.equal(taskId(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
      t.throws(() => taskId(bad), RangeError, String(bad));
    }
  });

  t.test('userId refuses an empty string', async (t) => {
    t.equal(userId('auth0|42'), 'auth0|42');
    t.throws(() => userId(''), RangeError);
  });
});
