import { type Task } from '@todo/domain';
import fc from 'fast-check';
import t from 'tap';
import {
  fingerprintOf,
  isSortValue,
  matchesFilters,
  NO_DUE_DATE,
  parseFilters,
  searchTextOf,
  searchWords,
  sortValueOf,
  compareCodePoints,
} from '../src/index.js';
import { holds } from '../../domain/test/support/properties.js';
import { aTask } from '../../domain/test/support/task-fixtures.js';

const now = new Date('2026-03-01T12:00:00.000Z');
/** A pending, medium-priority task without a due date, whose title, description and tags the filters below look at. */
const task = (overrides: Partial<Task> = {}): Task =>
  aTask({ title: 'Pay RENT', description: 'to the Landlord', tags: ['home', 'Money'], priority: 'medium', completed: false, dueDate: null, ...overrides });

t.test('parseFilters', async (t) => {
  t.test('turns the query values into filters: priorities deduplicated, tags as keys, words folded, instants parsed', async (t) => {
    t.strictSame(
      parseFilters(
        {
          status: 'pending',
          priority: ['high', 'low', 'high'],
          tag: [' Work ', 'HOME', 'home'],
          q: '  Pay   ÉCLAIR ',
          dueAfter: '2026-01-01T00:00:00+01:00',
          dueBefore: '2026-02-01T00:00:00Z',
          overdue: false,
        },
        now,
      ),
      {
        ok: true,
        value: {
          status: 'pending',
          priorities: ['high', 'low'],
          tags: ['work', 'home'],
          words: ['pay', 'éclair'],
          dueAfter: new Date('2025-12-31T23:00:00.000Z'),
          dueBefore: new Date('2026-02-01T00:00:00.000Z'),
          overdue: { value: false, now },
        },
      },
    );
    t.strictSame(parseFilters({ status: 'all' }, now), { ok: true, value: { status: 'all' } }, 'nothing given: status only');
  });

  t.test('names every invalid filter as the query string does', async (t) => {
    const result = parseFilters(
      { status: 'all', priority: ['high', 'urgent'], tag: ['ok', ' '], q: 'x'.repeat(201), dueAfter: 'soon', dueBefore: '2026-01-01' },
      now,
    );
    t.same(result.ok ? [] : result.error.map((issue) => issue.field), ['priority', 'tag', 'q', 'due_after', 'due_before']);
    t.match(parseFilters({ status: 'all', tag: Array.from({ length: 21 }, (_, i) => `t${i}`) }, now), {
      ok: false,
      error: [{ field: 'tag', message: 'must be given at most 20 times' }],
    });
    t.match(parseFilters({ status: 'all', q: 'a\u0000b' }, now), { ok: false, error: [{ field: 'q' }] });
  });

  t.test('search words and tag filters are texts: NUL and unpaired surrogates are refused, naming the parameter', async (t) => {
    t.strictSame(parseFilters({ status: 'all', q: 'rent\u0000' }, now), {
      ok: false,
      error: [{ field: 'q', message: 'must not contain the NUL character (U+0000)' }],
    });
    t.strictSame(parseFilters({ status: 'all', q: 'pay \ud800' }, now), {
      ok: false,
      error: [{ field: 'q', message: 'must be valid Unicode (no unpaired surrogate)' }],
    });
    t.strictSame(parseFilters({ status: 'all', tag: ['work', 'home\udc00'] }, now), {
      ok: false,
      error: [{ field: 'tag', message: 'must be valid Unicode (no unpaired surrogate)' }],
    });
    t.match(parseFilters({ status: 'all', q: '\u0007 \u{1F600}e\u0301' }, now), { ok: true }, 'other control characters are words like any');
  });
});

t.test('matchesFilters', async (t) => {
  const filter = (filters: Parameters<typeof matchesFilters>[1], overrides: Partial<Task> = {}) => matchesFilters(task(overrides), filters);
  t.ok(filter({ status: 'all' }));
  t.ok(filter({ status: 'pending', priorities: ['medium', 'high'] }));
  t.notOk(filter({ status: 'all', priorities: ['high'] }));
  t.notOk(filter({ status: 'all', priorities: [] }), 'no priority at all matches nothing');
  t.ok(filter({ status: 'all', tags: ['money', 'home'] }), 'all of the tag keys');
  t.notOk(filter({ status: 'all', tags: ['money', 'work'] }));
  t.ok(filter({ status: 'all', words: searchWords('rent LANDLORD') }), 'words in title and description');
  t.notOk(filter({ status: 'all', words: searchWords('rentto') }), 'never across the two');
  t.notOk(filter({ status: 'all', dueAfter: now }), 'no due date: outside any due range');
  t.ok(filter({ status: 'all', dueAfter: now }, { dueDate: now }), 'due_after is inclusive');
  t.notOk(filter({ status: 'all', dueBefore: now }, { dueDate: now }), 'due_before is exclusive');
  t.ok(filter({ status: 'all', overdue: { value: true, now } }, { dueDate: new Date(now.getTime() - 1) }));
  t.ok(filter({ status: 'all', overdue: { value: false, now } }, { dueDate: new Date(now.getTime() - 1), completed: true }));
});

t.test('search text and words', async (t) => {
  t.strictSame(searchWords(' \tPay\u00a0the  RENT\n'), ['pay', 'the', 'rent']);
  t.strictSame(searchWords('   '), []);
  t.equal(searchTextOf({ title: 'ÉCLAIR', description: null }), 'éclair\n');

  t.test('a word is found in the search text exactly when it is in the folded title or description', async (t) => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', 'é', 'É', ' ', '\n', '%', '_'), maxLength: 12 });
    holds(
      t,
      fc.property(text, fc.option(text, { nil: null }), text, (title, description, q) => {
        const haystack = searchTextOf({ title, description });
        return searchWords(q).every(
          (word) =>
            haystack.includes(word) ===
            (title.normalize('NFC').toLowerCase().includes(word) || (description ?? '').normalize('NFC').toLowerCase().includes(word)),
        );
      }),
    );
  });
});

t.test('sort values of the new sorts', async (t) => {
  const due = new Date('2026-03-01T09:00:00.000Z');
  t.equal(sortValueOf(task({ dueDate: due }), 'due_date', 'asc'), '2026-03-01T09:00:00.000Z');
  t.equal(sortValueOf(task(), 'due_date', 'asc'), NO_DUE_DATE.asc);
  t.equal(sortValueOf(task(), 'due_date', 'desc'), NO_DUE_DATE.desc);
  t.same(['low', 'medium', 'high'].map((priority) => sortValueOf(task({ priority: priority as Task['priority'] }), 'priority')), ['1', '2', '3']);

  t.test('a task without a due date sorts after every due date, in both orders', async (t) => {
    const instant = fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
    holds(
      t,
      fc.property(instant, (date) => {
        const iso = date.toISOString();
        return compareCodePoints(iso, NO_DUE_DATE.asc) < 0 && compareCodePoints(iso, NO_DUE_DATE.desc) > 0;
      }),
    );
  });

  t.test('isSortValue accepts what sortValueOf makes, and nothing a forged cursor could add', async (t) => {
    t.ok(isSortValue('2026-03-01T09:00:00.000Z', 'created', 'desc'));
    t.notOk(isSortValue('2026-13-01T09:00:00.000Z', 'created', 'desc'));
    t.notOk(isSortValue('2026-03-01T09:00:00Z', 'updated', 'desc'), 'milliseconds, as toISOString writes them');
    t.ok(isSortValue('infinity', 'due_date', 'asc'));
    t.notOk(isSortValue('-infinity', 'due_date', 'asc'), 'the stand-in of the other order');
    t.ok(isSortValue('-infinity', 'due_date', 'desc'));
    t.ok(isSortValue('3', 'priority', 'desc'));
    t.notOk(isSortValue('4', 'priority', 'desc'));
    t.ok(isSortValue('pay rent', 'title', 'asc'));
    t.notOk(isSortValue('a\u0000b', 'title', 'asc'), 'PostgreSQL text cannot hold NUL');
  });
});

t.test('fingerprintOf: the same content in any field order is the same request; any other content is not', async (t) => {
  const a = await fingerprintOf({ title: 'Pay rent', tags: ['home'], priority: undefined });
  t.match(a, /^[0-9a-f]{64}$/);
  t.equal(await fingerprintOf({ tags: ['home'], title: 'Pay rent' }), a);
  t.not(await fingerprintOf({ title: 'Pay rent', tags: ['home'], priority: 'medium' }), a);
  t.not(await fingerprintOf({ title: 'Pay rent ', tags: ['home'] }), a);
  t.not(await fingerprintOf({ title: 'Pay rent', tags: ['home', 'x'] }), a);
});
