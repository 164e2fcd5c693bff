import fc from 'fast-check';
import t from 'tap';
import {
  applyTaskChanges,
  codePointLength,
  compareCodePoints,
  EARLIEST_DATE_TIME,
  LATEST_DATE_TIME,
  parseDateTime,
  parseTags,
  PRIORITIES,
  tagKey,
  type TaskChanges,
} from '../src/index.js';
import { holds } from './support/properties.js';
import { aTask } from './support/task-fixtures.js';

const padding = fc.string({ unit: fc.constantFrom(' ', '\t', '\u00a0', '\u3000'), maxLength: 3 });
/** Tag-like text: letters in several cases and scripts, so that tags often collide without case. */
const tagText = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'é', 'É', 'ß', 'ǅ', 'Σ', '1', '-', ' ', '\u{1F600}', '\u0007'), minLength: 0, maxLength: 36 });
const rawTags = fc.array(fc.tuple(padding, tagText, padding).map(([a, b, c]) => a + b + c), { maxLength: 26 });

t.test('parsed tags are trimmed, 1 to 32 characters, distinct and strictly sorted by key, at most 20', async (t) => {
  holds(
    t,
    fc.property(rawTags, (raw) => {
      const parsed = parseTags(raw);
      if (!parsed.ok) return true;
      const keys = parsed.value.map(tagKey);
      return (
        parsed.value.length <= 20 &&
        parsed.value.every((tag) => tag === tag.trim() && codePointLength(tag) >= 1 && codePointLength(tag) <= 32) &&
        keys.every((key, i) => i === 0 || compareCodePoints(keys[i - 1]!, key) < 0)
      );
    }),
  );
});

t.test('parsing tags is idempotent, and their keys do not depend on the order given', async (t) => {
  holds(
    t,
    fc.property(rawTags, fc.infiniteStream(fc.nat()), (raw, randomness) => {
      const once = parseTags(raw);
      if (!once.ok) return true;
      const twice = parseTags(once.value);
      const shuffled = [...raw].sort(() => (randomness.next().value % 3) - 1);
      const reordered = parseTags(shuffled);
      return (
        twice.ok &&
        JSON.stringify(twice.value) === JSON.stringify(once.value) &&
        reordered.ok &&
        JSON.stringify(reordered.value.map(tagKey)) === JSON.stringify(once.value.map(tagKey))
      );
    }),
  );
});

t.test('tags are refused exactly when one is blank, too long or holds a control character, or more than 20 differ', async (t) => {
  holds(
    t,
    fc.property(rawTags, (raw) => {
      const trimmed = raw.map((tag) => tag.normalize('NFC').trim());
      const badTag = trimmed.some((tag) => tag.length === 0 || codePointLength(tag) > 32 || /\p{Cc}/u.test(tag));
      const tooMany = new Set(trimmed.filter((tag) => tag.length > 0).map(tagKey)).size > 20;
      return parseTags(raw).ok === !(badTag || tooMany);
    }),
  );
});

const instant = fc.date({ min: EARLIEST_DATE_TIME, max: LATEST_DATE_TIME, noInvalidDate: true });

t.test('any instant of the years 0001–9999 reads back from its ISO form, and from any offset', async (t) => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  holds(
    t,
    fc.property(instant, fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), (date, offsetMinutes) => {
      const iso = parseDateTime(date.toISOString(), 'due_date');
      // The same instant written in local time at that offset.
      const local = new Date(date.getTime() + offsetMinutes * 60_000);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const zone = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
      const written = `${local.toISOString().slice(0, 23)}${zone}`;
      const shifted = parseDateTime(written, 'due_date');
      const inRange = local >= EARLIEST_DATE_TIME && local <= LATEST_DATE_TIME;
      return (
        iso.ok &&
        iso.value.getTime() === date.getTime() &&
        (!inRange || (shifted.ok && shifted.value.getTime() === date.getTime()))
      );
    }),
  );
});

t.test('ISO strings of the accepted instants sort by code point exactly as the instants do', async (t) => {
  holds(
    t,
    fc.property(instant, instant, (a, b) => Math.sign(compareCodePoints(a.toISOString(), b.toISOString())) === Math.sign(a.getTime() - b.getTime())),
  );
});

const date = fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') });
const change: fc.Arbitrary<TaskChanges> = fc.record(
  {
    title: fc.constant('renamed'),
    completed: fc.boolean(),
    priority: fc.constantFrom(...PRIORITIES),
    dueDate: fc.option(date, { nil: null }),
  },
  { requiredKeys: [] },
);

t.test('whatever the writes, completedAt is set exactly while the task is completed, and moves only when it becomes so', async (t) => {
  const start = aTask({ completed: false, completedAt: null });
  holds(
    t,
    fc.property(fc.array(fc.tuple(change, date), { maxLength: 12 }), (writes) => {
      let task = start;
      for (const [changes, now] of writes) {
        const next = applyTaskChanges(task, changes, now);
        const becameCompleted = !task.completed && next.completed;
        const expected = !next.completed ? null : becameCompleted ? now : task.completedAt;
        if (next.completedAt !== expected || (next.completedAt !== null) !== next.completed) return false;
        task = next;
      }
      return true;
    }),
  );
});
