import t from 'tap';
import {
  applyTaskChanges,
  completedAtAfter,
  createTask,
  isOverdue,
  parseDateTime,
  parsePriority,
  parseTag,
  parseTags,
  parseTaskChanges,
  refusedWrite,
  taskInvalid,
  taskNotFound,
  taskVersionMismatch,
  versionMatches,
} from '../src/index.js';
import { alice, aTask, bob, created, later } from './support/task-fixtures.js';

t.test('parsePriority accepts low, medium and high, spelt exactly so', async (t) => {
  for (const name of ['low', 'medium', 'high']) t.strictSame(parsePriority(name), { ok: true, value: name });
  for (const name of ['HIGH', 'urgent', '', ' low']) {
    t.strictSame(parsePriority(name), { ok: false, error: { field: 'priority', message: 'must be one of: low, medium, high' } }, name);
  }
});

t.test('tags', async (t) => {
  t.test('a tag is trimmed and keeps its case; blank, over-long and control characters are refused', async (t) => {
    t.strictSame(parseTag('  Work \t'), { ok: true, value: 'Work' });
    t.strictSame(parseTag('x'.repeat(32)), { ok: true, value: 'x'.repeat(32) });
    t.strictSame(parseTag('\u{1F600}'.repeat(32)), { ok: true, value: '\u{1F600}'.repeat(32) }, 'code points, not UTF-16 units');
    t.strictSame(parseTag(' \u00a0 '), { ok: false, error: 'must not be empty' });
    t.strictSame(parseTag('x'.repeat(33)), { ok: false, error: 'must be at most 32 characters' });
    t.strictSame(parseTag('to\ndo'), { ok: false, error: 'must not contain control characters' });
  });

  t.test('a tag is stored in NFC: composed and decomposed spellings are one tag', async (t) => {
    t.strictSame(parseTags(['Cafe\u0301', 'caf\u00e9']), { ok: true, value: ['Caf\u00e9'] });
  });

  t.test('tags equal without case are one tag, spelt as first given, and the list comes back sorted without case', async (t) => {
    t.strictSame(parseTags(['work', 'Home', 'WORK', 'errands', 'Work']), { ok: true, value: ['errands', 'Home', 'work'] });
    t.strictSame(parseTags([]), { ok: true, value: [] });
  });

  t.test('every invalid tag is reported by position; more than 20 different tags are refused', async (t) => {
    t.strictSame(parseTags(['ok', '', 'x'.repeat(40)]), {
      ok: false,
      error: [
        { field: 'tags.1', message: 'must not be empty' },
        { field: 'tags.2', message: 'must be at most 32 characters' },
      ],
    });
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    t.ok(parseTags([...twenty, 'T0', 't1']).ok, '20 different tags, repeats aside');
    t.strictSame(parseTags([...twenty, 'one more']), { ok: false, error: [{ field: 'tags', message: 'must hold at most 20 different tags' }] });
  });
});

t.test('parseDateTime', async (t) => {
  const accepted: [string, string][] = [
    ['2026-01-31T17:00:00Z', '2026-01-31T17:00:00.000Z'],
    ['2026-01-31t17:00:00z', '2026-01-31T17:00:00.000Z'],
    ['2026-01-31 17:00:00Z', '2026-01-31T17:00:00.000Z'],
    ['2026-01-31T17:00:00.5+02:00', '2026-01-31T15:00:00.500Z'],
    ['2026-01-31T17:00:00.123999-0130', '2026-01-31T18:30:00.123Z'],
    ['2026-01-01T00:30:00+01', '2025-12-31T23:30:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ];
  for (const [raw, iso] of accepted) {
    const result = parseDateTime(raw, 'due_date');
    t.equal(result.ok && result.value.toISOString(), iso, raw);
  }
  const refused = [
    '2026-01-31',
    '2026-01-31T17:00:00',
    '2026-01-31T17:00Z',
    '2026-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-31T24:00:00Z',
    '2026-01-31T23:59:60Z',
    '2026-01-31T17:00:00+24:00',
    '2026-01-31T17:00:00 +02:00',
    'tomorrow',
    '',
    ' 2026-01-31T17:00:00Z',
  ];
  for (const raw of refused) {
    t.match(parseDateTime(raw, 'due_before'), { ok: false, error: { field: 'due_before' } }, JSON.stringify(raw));
  }
  t.strictSame(parseDateTime('0001-01-01T00:30:00+01:00', 'due_date'), {
    ok: false,
    error: { field: 'due_date', message: 'must be between the years 0001 and 9999 (UTC)' },
  });
});

t.test('new fields on create and change', async (t) => {
  t.test('createTask: defaults, and completedAt stamped when created completed', async (t) => {
    t.match(createTask(alice, { title: 'x' }, created), { ok: true, value: { priority: 'medium', tags: [], dueDate: null, completedAt: null } });
    t.match(createTask(alice, { title: 'x', completed: true }, created), { ok: true, value: { completedAt: created } });
  });

  t.test('parseTaskChanges validates priority, tags and due date with the rest', async (t) => {
    t.strictSame(parseTaskChanges({ priority: 'high', tags: [' b', 'A'], dueDate: '2026-03-01T00:00:00+01:00' }), {
      ok: true,
      value: { priority: 'high', tags: ['A', 'b'], dueDate: new Date('2026-02-28T23:00:00.000Z') },
    });
    t.strictSame(parseTaskChanges({ dueDate: null }), { ok: true, value: { dueDate: null } }, 'null clears the due date');
    t.strictSame(parseTaskChanges({ title: '', priority: 'urgent', tags: ['', 'ok'], dueDate: 'soon' }), {
      ok: false,
      error: taskInvalid([
        { field: 'title', message: 'must not be empty' },
        { field: 'priority', message: 'must be one of: low, medium, high' },
        { field: 'tags.0', message: 'must not be empty' },
        { field: 'due_date', message: 'must be an ISO 8601 date-time with a time zone, like 2026-01-31T17:00:00Z' },
      ]),
    });
  });

  t.test('completedAt: stamped when the task becomes completed, kept while it stays so, cleared when reopened', async (t) => {
    t.equal(completedAtAfter({ completedAt: null }, true, later), later);
    t.equal(completedAtAfter({ completedAt: created }, true, later), created);
    t.equal(completedAtAfter({ completedAt: created }, false, later), null);
    const done = applyTaskChanges(aTask({ completed: false, completedAt: null }), { completed: true }, later);
    t.equal(done.completedAt, later);
    t.equal(applyTaskChanges(done, { title: 'renamed' }, created).completedAt, later, 'other changes keep it');
    t.equal(applyTaskChanges(done, { completed: false }, created).completedAt, null);
  });
});

t.test('isOverdue: pending and due strictly before now', async (t) => {
  const due = new Date('2026-03-01T12:00:00.000Z');
  t.equal(isOverdue(aTask({ dueDate: due, completed: false }), new Date('2026-03-01T12:00:00.001Z')), true);
  t.equal(isOverdue(aTask({ dueDate: due, completed: false }), due), false, 'due now is not overdue yet');
  t.equal(isOverdue(aTask({ dueDate: due, completed: true }), later), false, 'a completed task never is');
  t.equal(isOverdue(aTask({ dueDate: null, completed: false }), later), false, 'nor one without a due date');
});

t.test('conditional writes', async (t) => {
  t.test('versionMatches: no precondition always matches; otherwise the version must be listed', async (t) => {
    t.equal(versionMatches({ version: 3 }, undefined), true);
    t.equal(versionMatches({ version: 3 }, [1, 3]), true);
    t.equal(versionMatches({ version: 3 }, [2]), false);
    t.equal(versionMatches({ version: 3 }, []), false);
  });

  t.test('refusedWrite: a mismatch only for a task the user owns, under a precondition; else not found', async (t) => {
    const mine = aTask({ userId: alice, version: 3 });
    t.strictSame(refusedWrite(mine, alice, mine.id, [2]), taskVersionMismatch(mine.id));
    t.strictSame(refusedWrite(null, alice, mine.id, [2]), taskNotFound(mine.id), 'gone');
    t.strictSame(refusedWrite(mine, bob, mine.id, [3]), taskNotFound(mine.id), "another user's task reveals nothing");
    t.strictSame(refusedWrite(mine, alice, mine.id, undefined), taskNotFound(mine.id), 'no precondition');
  });
});
