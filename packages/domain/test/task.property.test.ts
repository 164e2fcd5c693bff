import fc from 'fast-check';
import t from 'tap';
import {
  applyTaskChanges,
  completionChange,
  createTask,
  ownedTask,
  parseDescription,
  parseTaskChanges,
  parseTitle,
  taskId,
  userId,
  type Task,
  type TaskChanges,
} from '../src/index.js';
import { TEXT_FAULTS, validCodePoint } from './support/any-text.js';
import { holds } from './support/properties.js';

const codePoints = (text: string) => [...text].length;
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/** Whitespace that String.prototype.trim removes, ASCII and Unicode. */
const padding = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff'), maxLength: 5 });

/**
 * Valid texts of `min` to `max` code points, astral ones and control characters included. The length is drawn
 * explicitly, and the bounds often, because fast-check's default size would keep strings under a dozen characters.
 */
const codePointString = (min: number, max: number) =>
  fc
    .oneof(fc.integer({ min, max }), fc.constantFrom(min, max))
    .chain((length) => fc.string({ unit: validCodePoint, minLength: length, maxLength: length }));

/** A valid text with a fault (NUL, an unpaired surrogate) put in at some place. */
const withFault = (text: fc.Arbitrary<string>) =>
  fc.tuple(text, fc.constantFrom(...TEXT_FAULTS), fc.nat()).map(([valid, fault, at]) => {
    const characters = [...valid];
    characters.splice(at % (characters.length + 1), 0, fault);
    return characters.join('');
  });

/** Like codePointString, with no whitespace at either end. */
const trimmed = (min: number, max: number) => codePointString(min, max).filter((text) => text.trim() === text);

const description = fc.option(codePointString(0, 1000));
const date = fc.date({ noInvalidDate: true });
const user = fc.string({ minLength: 1, maxLength: 8 }).map(userId);

const task: fc.Arbitrary<Task> = fc.record({
  id: fc.integer({ min: 1 }).map(taskId),
  userId: user,
  title: trimmed(1, 200),
  description,
  completed: fc.boolean(),
  priority: fc.constantFrom('low', 'medium', 'high'),
  tags: fc.constant([]),
  dueDate: fc.option(date, { nil: null }),
  completedAt: fc.option(date, { nil: null }),
  version: fc.integer({ min: 1, max: 1_000_000 }),
  createdAt: date,
  updatedAt: date,
});

const changes: fc.Arbitrary<TaskChanges> = fc.record(
  { title: trimmed(1, 200), description, completed: fc.boolean() },
  { requiredKeys: [] },
);

t.test('any title whose trimmed form has 1 to 200 code points is accepted and comes back trimmed', async (t) => {
  holds(
    t,
    fc.property(padding, trimmed(1, 200), padding, (before, core, after) => {
      const result = parseTitle(before + core + after);
      return result.ok && result.value === core;
    }),
  );
});

t.test('any title whose trimmed form has more than 200 code points is refused', async (t) => {
  holds(
    t,
    fc.property(padding, trimmed(201, 260), padding, (before, core, after) => {
      const result = parseTitle(before + core + after);
      return !result.ok && result.error.field === 'title';
    }),
  );
});

t.test('a title or description holding a NUL or an unpaired surrogate is refused, naming the field', async (t) => {
  holds(
    t,
    fc.property(withFault(codePointString(0, 150)), (raw) => {
      const title = parseTitle(raw);
      const description = parseDescription(raw);
      return !title.ok && title.error.field === 'title' && !description.ok && description.error.field === 'description';
    }),
  );
});

t.test('a title made only of whitespace is refused', async (t) => {
  holds(
    t,
    fc.property(padding, (blank) => !parseTitle(blank).ok),
  );
});

t.test('parsing an accepted title again gives the same title', async (t) => {
  holds(
    t,
    fc.property(padding, codePointString(0, 210), padding, (before, core, after) => {
      const raw = before + core + after;
      const once = parseTitle(raw);
      fc.pre(once.ok);
      const twice = parseTitle(once.value);
      return twice.ok && twice.value === once.value;
    }),
  );
});

t.test('a description is accepted unchanged exactly when it has at most 1000 code points', async (t) => {
  holds(
    t,
    fc.property(codePointString(0, 1100), (raw) => {
      const result = parseDescription(raw);
      return codePoints(raw) <= 1000 ? result.ok && result.value === raw : !result.ok && result.error.field === 'description';
    }),
  );
});

t.test('parseTaskChanges reports exactly the invalid fields, or keeps exactly the named ones', async (t) => {
  const draft = fc.record(
    {
      title: fc.oneof(trimmed(1, 200), padding, trimmed(201, 210)),
      description: fc.oneof(fc.constant(null), codePointString(0, 1000), codePointString(1001, 1010)),
      completed: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  holds(
    t,
    fc.property(draft, (draft) => {
      const invalid = [
        ...(draft.title !== undefined && !parseTitle(draft.title).ok ? ['title'] : []),
        ...(draft.description !== undefined && !parseDescription(draft.description).ok ? ['description'] : []),
      ];
      const result = parseTaskChanges(draft);
      if (invalid.length > 0) {
        return !result.ok && sameList(result.error.issues.map((issue) => issue.field), invalid);
      }
      return result.ok && sameList(Object.keys(result.value).sort(), Object.keys(draft).sort());
    }),
  );
});

t.test('createTask stamps both timestamps with now and gives the task to the given owner', async (t) => {
  holds(
    t,
    fc.property(user, trimmed(1, 200), date, (owner, title, now) => {
      const result = createTask(owner, { title }, now);
      return result.ok && result.value.userId === owner && result.value.createdAt === now && result.value.updatedAt === now;
    }),
  );
});

t.test('applyTaskChanges never changes id, userId or createdAt', async (t) => {
  holds(
    t,
    fc.property(task, changes, date, (before, change, now) => {
      const after = applyTaskChanges(before, change, now);
      return after.id === before.id && after.userId === before.userId && after.createdAt === before.createdAt;
    }),
  );
});

t.test('applyTaskChanges takes the named fields, keeps the others, bumps the version and sets updatedAt', async (t) => {
  holds(
    t,
    fc.property(task, changes, date, (before, change, now) => {
      const after = applyTaskChanges(before, change, now);
      return (
        after.title === (change.title ?? before.title) &&
        after.description === (change.description === undefined ? before.description : change.description) &&
        after.completed === (change.completed ?? before.completed) &&
        after.version === before.version + 1 &&
        after.updatedAt === now
      );
    }),
  );
});

t.test('a toggle flips completion and two toggles restore it; an explicit state is always that state', async (t) => {
  holds(
    t,
    fc.property(fc.boolean(), fc.boolean(), (current, wanted) => {
      const flipped = completionChange({ completed: current }).completed;
      return (
        flipped === !current &&
        completionChange({ completed: flipped }).completed === current &&
        completionChange({ completed: current }, wanted).completed === wanted
      );
    }),
  );
});

t.test('for another user, an existing task answers exactly like a missing one', async (t) => {
  holds(
    t,
    fc.property(task, user, (stored, other) => {
      fc.pre(other !== stored.userId);
      return fc.stringify(ownedTask(stored, other, stored.id)) === fc.stringify(ownedTask(null, other, stored.id));
    }),
  );
});
