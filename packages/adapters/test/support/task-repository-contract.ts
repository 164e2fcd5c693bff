import {
  compareForListing,
  comparePositions,
  matchesFilters,
  positionOf,
  searchWords,
  SORT_ORDERS,
  TASK_SORT_KEYS,
  TASK_STATUS_FILTERS,
  type TaskFilters,
  type TaskListQuery,
  type TaskRepository,
} from '@todo/application';
import { parseTags, PRIORITIES, tagKey, userId, type NewTask, type Task, type TaskId, type UserId } from '@todo/domain';
import fc from 'fast-check';
import type { Test } from 'tap';

let owners = 0;
/** A user of this run only: tests share a store but never each other's rows. */
export const freshOwner = (): UserId => userId(`user-${process.pid}-${++owners}-${Math.random().toString(36).slice(2)}`);

const at = (iso: string) => new Date(iso);

/** Valid tags as the domain makes them: normalised, distinct by key, sorted. */
const tags = (...raw: string[]): readonly string[] => {
  const parsed = parseTags(raw);
  if (!parsed.ok) throw new Error(`invalid test tags ${JSON.stringify(raw)}`);
  return parsed.value;
};

/** A valid new task: `completedAt` follows `completed` unless given, as the domain keeps it. */
export const newTask = (owner: UserId, overrides: Partial<NewTask> = {}): NewTask => {
  const createdAt = overrides.createdAt ?? at('2026-01-18T09:30:00.123Z');
  const completed = overrides.completed ?? false;
  return {
    userId: owner,
    title: 'Pay rent',
    description: null,
    completed,
    priority: 'medium',
    tags: [],
    dueDate: null,
    completedAt: completed ? createdAt : null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
};

const everything: Omit<TaskListQuery, 'sort' | 'order'> = { status: 'all', limit: 1000, after: null };

const listAll = (repository: TaskRepository, owner: UserId, query: Partial<TaskListQuery> = {}) =>
  repository.listOwned(owner, { ...everything, sort: 'created', order: 'desc', ...query });

const idsOf = (tasks: readonly Task[]) => tasks.map((task) => task.id);
const sortedIds = (tasks: readonly Task[]) => idsOf(tasks).sort((a, b) => a - b);

/** Follows `after` from the first page to the last, like a client following `Link: rel="next"`. */
async function pageThrough(
  repository: TaskRepository,
  owner: UserId,
  query: Omit<TaskListQuery, 'after'>,
  betweenPages: (page: number) => Promise<void> = async () => undefined,
): Promise<Task[]> {
  const visited: Task[] = [];
  let after: TaskListQuery['after'] = null;
  for (let page = 0; ; page++) {
    if (page > 500) throw new Error('the pages never end');
    const tasks = await repository.listOwned(owner, { ...query, after });
    visited.push(...tasks);
    const last = tasks.at(-1);
    if (tasks.length < query.limit || !last) return visited;
    after = positionOf(last, query.sort, query.order);
    await betweenPages(page);
  }
}

// Small pools of values, so that random tasks tie on every sort key and match filters often.
const INSTANTS = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-03-01T12:00:00.000Z', '2026-06-30T23:59:59.999Z'];
const NOW = at('2026-03-01T12:00:00.000Z');
const instant = fc.constantFrom(...INSTANTS).map(at);
const taskDraft = fc.record({
  title: fc.constantFrom('Pay rent', 'pay RENT', 'Éclair', 'éclair 100%', 'a_b', 'Buy milk', '🙂 party', 'Zebra'),
  description: fc.constantFrom(null, 'rent is due', 'ÉCLAIRS for 50% less', 'a\\b', ''),
  completed: fc.boolean(),
  priority: fc.constantFrom(...PRIORITIES),
  tags: fc.subarray(['Work', 'home', 'Ünïcode', 'a,b', '{x}', 'q"uote']).map((raw) => tags(...raw)),
  dueDate: fc.option(instant, { nil: null }),
  createdAt: instant,
  updatedAt: instant,
});
/** Now and then: each filter is set in about one listing out of five, so that most listings hold tasks. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary, weight: 1 });
const filters: fc.Arbitrary<TaskFilters> = fc.record({
  status: fc.constantFrom(...TASK_STATUS_FILTERS),
  priorities: sometimes(fc.subarray([...PRIORITIES], { minLength: 1 })),
  tags: sometimes(fc.subarray(['WORK', 'Home', 'ünïcode', 'A,B', '{X}'], { minLength: 1, maxLength: 2 }).map((raw) => raw.map(tagKey))),
  words: sometimes(fc.constantFrom('rent', 'ÉCLAIR', '100%', '%', '_', 'a\\b', 'is due', 'milk pay').map(searchWords)),
  dueAfter: sometimes(instant),
  dueBefore: sometimes(instant),
  overdue: sometimes(fc.boolean().map((value) => ({ value, now: NOW }))),
});
const ordering = fc.record({
  sort: fc.constantFrom(...TASK_SORT_KEYS),
  order: fc.constantFrom(...SORT_ORDERS),
  limit: fc.integer({ min: 1, max: 5 }),
});

/**
 * The behaviour every TaskRepository adapter must share. Each adapter's test file runs it,
 * so the in-memory adapter cannot drift from PostgreSQL.
 */
export function taskRepositoryContract(t: Test, makeRepository: (t: Test) => Promise<TaskRepository>): void {
  t.test('insert assigns an id and version 1 and keeps every field, timestamps to the millisecond', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(
      newTask(owner, {
        description: 'by Friday',
        completed: true,
        completedAt: at('2026-01-19T10:00:00.456Z'),
        priority: 'high',
        tags: tags('Work', 'ünïcode', 'a,b', '{x}', 'q"uote', 'back\\slash'),
        dueDate: at('2026-02-01T17:00:00.789Z'),
      }),
    );
    t.ok(Number.isSafeInteger(stored.id) && stored.id > 0, 'positive integer id');
    t.match(stored, { userId: owner, title: 'Pay rent', description: 'by Friday', completed: true, priority: 'high', version: 1 });
    t.strictSame(stored.tags, tags('Work', 'ünïcode', 'a,b', '{x}', 'q"uote', 'back\\slash'), 'tags with SQL-array syntax in them');
    t.equal(stored.createdAt.toISOString(), '2026-01-18T09:30:00.123Z');
    t.equal(stored.updatedAt.toISOString(), '2026-01-18T09:30:00.123Z');
    t.equal(stored.dueDate?.toISOString(), '2026-02-01T17:00:00.789Z');
    t.equal(stored.completedAt?.toISOString(), '2026-01-19T10:00:00.456Z');
    const second = await repository.insert(newTask(owner));
    t.not(second.id, stored.id, 'ids are unique');
    t.match(second, { priority: 'medium', tags: [], dueDate: null, completedAt: null });
    t.same(await repository.findOwned(owner, stored.id), stored, 'reads back what it stored');
  });

  t.test('every valid text comes back exactly: a leading BOM, control and invisible characters, astral characters', async (t) => {
    const repository = await makeRepository(t);
    // U+FEFF first: a decoder that treats it as a byte order mark (PGlite's did) would drop it.
    const owner = userId(`\ufeff${freshOwner()}\u0001`);
    const title = 'e\u0301\u0007\u{1F469}\u200d\u{1F4BB}\u202e\uffff';
    const description = '\ufeff\ufeffline\r\n\u0085\u2028\u{10FFFF}\u001b[0m';
    const stored = await repository.insert(newTask(owner, { title, description, tags: tags('\u{1F600}', 'caf\u00e9', '\u200b') }));
    t.equal(stored.userId, owner);
    t.equal(stored.title, title);
    t.equal(stored.description, description);
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
    const stored = await repository.insert(newTask(owner, { description: 'keep me', tags: tags('home'), priority: 'low' }));
    const later = at('2026-02-01T00:00:00.001Z');
    const renamed = await repository.updateOwned(owner, stored.id, { title: 'Pay the rent' }, later);
    t.match(renamed, { id: stored.id, title: 'Pay the rent', description: 'keep me', completed: false, priority: 'low', version: 2 });
    t.strictSame(renamed?.tags, ['home']);
    t.equal(renamed?.updatedAt.toISOString(), later.toISOString());
    t.equal(renamed?.createdAt.toISOString(), stored.createdAt.toISOString(), 'createdAt never changes');
    const cleared = await repository.updateOwned(owner, stored.id, { description: null, completed: true }, later);
    t.match(cleared, { title: 'Pay the rent', description: null, completed: true, version: 3 });
    const organised = await repository.updateOwned(
      owner,
      stored.id,
      { priority: 'high', tags: tags('Work', 'Errands'), dueDate: at('2026-03-01T09:00:00.000Z') },
      later,
    );
    t.match(organised, { priority: 'high', version: 4, description: null, completed: true });
    t.strictSame(organised?.tags, ['Errands', 'Work']);
    t.equal(organised?.dueDate?.toISOString(), '2026-03-01T09:00:00.000Z');
    const undated = await repository.updateOwned(owner, stored.id, { dueDate: null, tags: [] }, later);
    t.match(undated, { dueDate: null, tags: [], priority: 'high' });
  });

  t.test('completedAt is stamped when a task becomes completed, kept while it stays so, cleared when reopened', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(newTask(owner));
    const first = at('2026-02-01T00:00:00.000Z');
    const second = at('2026-02-02T00:00:00.000Z');
    t.equal((await repository.updateOwned(owner, stored.id, { completed: true }, first))?.completedAt?.toISOString(), first.toISOString());
    t.equal(
      (await repository.updateOwned(owner, stored.id, { completed: true }, second))?.completedAt?.toISOString(),
      first.toISOString(),
      'completing a completed task keeps the first time',
    );
    t.equal((await repository.updateOwned(owner, stored.id, { title: 'x' }, second))?.completedAt?.toISOString(), first.toISOString());
    t.equal((await repository.updateOwned(owner, stored.id, { completed: false }, second))?.completedAt, null, 'reopened');
    t.equal((await repository.toggleCompletedOwned(owner, stored.id, second))?.completedAt?.toISOString(), second.toISOString());
    t.equal((await repository.toggleCompletedOwned(owner, stored.id, first))?.completedAt, null);
  });

  t.test('updateOwned, toggle and delete leave another user\'s task untouched', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const intruder = freshOwner();
    const stored = await repository.insert(newTask(owner));
    const now = at('2026-03-01T00:00:00.000Z');
    t.equal(await repository.updateOwned(intruder, stored.id, { title: 'mine now' }, now), null);
    t.equal(await repository.toggleCompletedOwned(intruder, stored.id, now), null);
    t.equal(await repository.deleteOwned(intruder, stored.id, now), false);
    t.strictSame(await repository.setCompletedManyOwned(intruder, [stored.id], true, now), []);
    t.equal(await repository.deleteCompletedOwned(intruder, now), 0);
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
    const now = at('2026-03-01T00:00:00.000Z');
    t.equal(await repository.deleteOwned(owner, stored.id, now), true);
    t.equal(await repository.deleteOwned(owner, stored.id, now), false);
    t.equal(await repository.findOwned(owner, stored.id), null);
  });

  t.test('a write with expected versions applies only while the version is one of them', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const stored = await repository.insert(newTask(owner));
    const now = at('2026-03-01T00:00:00.000Z');
    t.equal(await repository.updateOwned(owner, stored.id, { title: 'stale' }, now, [2]), null, 'update at another version');
    t.equal(await repository.toggleCompletedOwned(owner, stored.id, now, [0, 7]), null, 'toggle at other versions');
    t.equal(await repository.deleteOwned(owner, stored.id, now, [3]), false, 'delete at another version');
    t.equal(await repository.updateOwned(owner, stored.id, { title: 'never' }, now, []), null, 'no version matches an empty list');
    t.same(await repository.findOwned(owner, stored.id), stored, 'nothing changed');
    t.match(await repository.updateOwned(owner, stored.id, { title: 'fresh' }, now, [1]), { title: 'fresh', version: 2 });
    t.match(await repository.toggleCompletedOwned(owner, stored.id, now, [9, 2]), { completed: true, version: 3 });
    t.equal(await repository.updateOwned(freshOwner(), stored.id, { title: 'x' }, now, [3]), null, 'the right version of another user\'s task');
    t.equal(await repository.deleteOwned(owner, stored.id, now, [3]), true);
  });

  t.test('two writers with the same expected version: exactly one wins', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const now = at('2026-03-01T00:00:00.000Z');
    for (let round = 0; round < 5; round++) {
      const stored = await repository.insert(newTask(owner));
      const results = await Promise.all([
        repository.updateOwned(owner, stored.id, { title: 'first writer' }, now, [1]),
        repository.updateOwned(owner, stored.id, { title: 'second writer' }, now, [1]),
        repository.toggleCompletedOwned(owner, stored.id, now, [1]),
        repository.deleteOwned(owner, stored.id, now, [1]),
      ]);
      const winners = results.filter((result) => result !== null && result !== false);
      t.equal(winners.length, 1, `round ${round}: one write applied`);
      const after = await repository.findOwned(owner, stored.id);
      if (after !== null) t.equal(after.version, 2, 'and only one version was added');
    }
  });

  t.test('listOwned returns only the owner\'s tasks, filtered by status', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const open = await repository.insert(newTask(owner, { title: 'open' }));
    const done = await repository.insert(newTask(owner, { title: 'done', completed: true }));
    await repository.insert(newTask(freshOwner(), { title: 'someone else' }));
    t.same(sortedIds(await listAll(repository, owner)), sortedIds([open, done]));
    t.same(idsOf(await listAll(repository, owner, { status: 'pending' })), [open.id]);
    t.same(idsOf(await listAll(repository, owner, { status: 'completed' })), [done.id]);
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

  t.test('sort=due_date puts tasks without a due date last in both orders; ties by id', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const none1 = await repository.insert(newTask(owner, { title: 'no date 1' }));
    const late = await repository.insert(newTask(owner, { dueDate: at('2026-05-01T00:00:00.000Z') }));
    const early = await repository.insert(newTask(owner, { dueDate: at('2026-04-01T00:00:00.000Z') }));
    const none2 = await repository.insert(newTask(owner, { title: 'no date 2' }));
    const earlyToo = await repository.insert(newTask(owner, { dueDate: at('2026-04-01T00:00:00.000Z') }));
    const ancient = await repository.insert(newTask(owner, { dueDate: at('0001-01-01T00:00:00.000Z') }));
    const last = await repository.insert(newTask(owner, { dueDate: at('9999-12-31T23:59:59.999Z') }));
    t.same(idsOf(await listAll(repository, owner, { sort: 'due_date', order: 'asc' })), [
      ancient.id, early.id, earlyToo.id, late.id, last.id, none1.id, none2.id,
    ]);
    t.same(idsOf(await listAll(repository, owner, { sort: 'due_date', order: 'desc' })), [
      last.id, late.id, earlyToo.id, early.id, ancient.id, none2.id, none1.id,
    ]);
  });

  t.test('sort=priority ranks high above medium above low; ties by id', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const low = await repository.insert(newTask(owner, { priority: 'low' }));
    const high = await repository.insert(newTask(owner, { priority: 'high' }));
    const medium = await repository.insert(newTask(owner, { priority: 'medium' }));
    const highToo = await repository.insert(newTask(owner, { priority: 'high' }));
    t.same(idsOf(await listAll(repository, owner, { sort: 'priority', order: 'desc' })), [highToo.id, high.id, medium.id, low.id]);
    t.same(idsOf(await listAll(repository, owner, { sort: 'priority', order: 'asc' })), [low.id, medium.id, high.id, highToo.id]);
  });

  t.test('filters: priority any of, tags all of (without case), due range, overdue', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const now = at('2026-03-01T12:00:00.000Z');
    const a = await repository.insert(newTask(owner, { priority: 'high', tags: tags('Work', 'Urgent'), dueDate: at('2026-03-01T11:59:59.999Z') }));
    const b = await repository.insert(newTask(owner, { priority: 'low', tags: tags('work'), dueDate: at('2026-03-01T12:00:00.000Z') }));
    const c = await repository.insert(newTask(owner, { priority: 'medium', tags: tags('home'), completed: true, dueDate: at('2026-02-01T00:00:00.000Z') }));
    const d = await repository.insert(newTask(owner, { priority: 'high' }));
    const ids = async (query: Partial<TaskListQuery>) => sortedIds(await listAll(repository, owner, query));
    t.same(await ids({ priorities: ['high'] }), [a.id, d.id]);
    t.same(await ids({ priorities: ['low', 'medium'] }), [b.id, c.id]);
    t.same(await ids({ tags: [tagKey('WORK')] }), [a.id, b.id], 'a tag matches whatever its case');
    t.same(await ids({ tags: [tagKey('work'), tagKey('urgent')] }), [a.id], 'all of the tags');
    t.same(await ids({ tags: [tagKey('work'), tagKey('home')] }), []);
    t.same(await ids({ dueAfter: at('2026-03-01T12:00:00.000Z') }), [b.id], 'due_after is inclusive');
    t.same(await ids({ dueBefore: at('2026-03-01T12:00:00.000Z') }), [a.id, c.id], 'due_before is exclusive; no due date never matches');
    t.same(await ids({ dueAfter: at('2026-02-01T00:00:00.000Z'), dueBefore: at('2026-03-01T12:00:00.000Z') }), [a.id, c.id]);
    t.same(await ids({ overdue: { value: true, now } }), [a.id], 'pending and due before now');
    t.same(await ids({ overdue: { value: false, now } }), [b.id, c.id, d.id], 'everything else');
    t.same(await ids({ overdue: { value: true, now }, sort: 'due_date', order: 'asc' }), [a.id]);
    t.same(await ids({ dueBefore: at('2026-03-01T12:00:00.000Z'), sort: 'due_date', order: 'desc' }), [a.id, c.id]);
    t.same(await ids({ dueAfter: at('2026-02-01T00:00:00.000Z'), sort: 'due_date', order: 'asc' }), [a.id, b.id, c.id]);
    t.same(await ids({ priorities: ['high'], tags: [tagKey('work')], status: 'pending' }), [a.id], 'filters combine');
  });

  t.test('q: every word, without case, in the title or the description, wildcards taken literally', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const rent = await repository.insert(newTask(owner, { title: 'Pay RENT', description: 'Before Friday' }));
    const eclair = await repository.insert(newTask(owner, { title: 'ÉCLAIRS', description: null }));
    const percent = await repository.insert(newTask(owner, { title: '100% done_well', description: 'path a\\b' }));
    const search = async (q: string) => sortedIds(await listAll(repository, owner, { words: searchWords(q) }));
    t.same(await search('rent'), [rent.id]);
    t.same(await search('  friday   PAY '), [rent.id], 'words in title and description both');
    t.same(await search('éclair'), [eclair.id], 'non-ASCII letters without case');
    t.same(await search('rent eclair'), [], 'every word must match');
    t.same(await search('RENTBEFORE'), [], 'never across the title and description');
    t.same(await search('rent\nbefore'), [rent.id], 'a line feed separates words');
    t.same(await search('%'), [percent.id], '% is a character');
    t.same(await search('_'), [percent.id], '_ is a character');
    t.same(await search('0%'), [percent.id]);
    t.same(await search('a\\b'), [percent.id], 'backslash is a character');
    t.same(await search('y%r'), []);
    t.same(await search(''), sortedIds([rent, eclair, percent]), 'no words: no filter');
  });

  t.test('countOwned counts the owner\'s tasks: total, completed, overdue at now', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const now = at('2026-03-01T12:00:00.000Z');
    t.strictSame(await repository.countOwned(owner, now), { total: 0, completed: 0, overdue: 0 });
    await repository.insert(newTask(owner, { dueDate: at('2026-03-01T11:00:00.000Z') }));
    await repository.insert(newTask(owner, { dueDate: at('2026-03-01T12:00:00.000Z') }));
    await repository.insert(newTask(owner, { completed: true, dueDate: at('2026-01-01T00:00:00.000Z') }));
    await repository.insert(newTask(owner));
    await repository.insert(newTask(freshOwner(), { dueDate: at('2026-01-01T00:00:00.000Z') }));
    t.strictSame(await repository.countOwned(owner, now), { total: 4, completed: 1, overdue: 1 });
  });

  t.test('setCompletedManyOwned changes the owner\'s tasks not already in that state, and returns them', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const now = at('2026-03-01T12:00:00.000Z');
    const open = await repository.insert(newTask(owner));
    const done = await repository.insert(newTask(owner, { completed: true }));
    const untouched = await repository.insert(newTask(owner));
    const foreign = await repository.insert(newTask(freshOwner()));
    const changed = await repository.setCompletedManyOwned(owner, [open.id, done.id, foreign.id, (open.id + 1_000_000) as TaskId], true, now);
    t.same(idsOf(changed), [open.id]);
    t.match(changed[0], { completed: true, version: 2 });
    t.equal(changed[0]?.completedAt?.toISOString(), now.toISOString());
    t.same(await repository.findOwned(owner, done.id), done, 'already completed: not written');
    t.same(await repository.findOwned(owner, untouched.id), untouched);
    t.equal((await repository.findOwned(foreign.userId, foreign.id))?.completed, false);
    const reopened = await repository.setCompletedManyOwned(owner, [open.id, done.id, untouched.id], false, now);
    t.same(sortedIds(reopened), [open.id, done.id]);
    t.ok(reopened.every((task) => !task.completed && task.completedAt === null));
  });

  t.test('deleteCompletedOwned deletes the owner\'s completed tasks only, and counts them', async (t) => {
    const repository = await makeRepository(t);
    const owner = freshOwner();
    const other = freshOwner();
    const open = await repository.insert(newTask(owner));
    await repository.insert(newTask(owner, { completed: true }));
    await repository.insert(newTask(owner, { completed: true }));
    const theirs = await repository.insert(newTask(other, { completed: true }));
    t.equal(await repository.deleteCompletedOwned(owner, NOW), 2);
    t.same(idsOf(await listAll(repository, owner)), [open.id]);
    t.equal(await repository.deleteCompletedOwned(owner, NOW), 0);
    t.same(idsOf(await listAll(repository, other)), [theirs.id]);
  });

  t.test('any filters and sort: exactly the matching tasks, in order, across pages of any size', async (t) => {
    const repository = await makeRepository(t);
    const runs = 40;
    let multiPage = 0;
    const details = await fc.check(
      fc.asyncProperty(fc.array(taskDraft, { minLength: 4, maxLength: 16, size: 'max' }), filters, ordering, async (drafts, filters, { sort, order, limit }) => {
        const owner = freshOwner();
        const stored: Task[] = [];
        for (const draft of drafts) stored.push(await repository.insert(newTask(owner, draft)));
        const expected = idsOf(stored.filter((task) => matchesFilters(task, filters)).sort(compareForListing(sort, order)));
        const visited = idsOf(await pageThrough(repository, owner, { ...filters, sort, order, limit }));
        if (expected.length > limit) multiPage++;
        return JSON.stringify(visited) === JSON.stringify(expected);
      }),
      { numRuns: runs },
    );
    t.notOk(details.failed, fc.defaultReportMessage(details) ?? 'every listing matched the reference');
    t.ok(multiPage >= runs / 8, `${multiPage} of ${runs} listings spanned several pages`);
  });

  t.test('following pages while tasks are added and deleted visits every remaining task exactly once', async (t) => {
    const repository = await makeRepository(t);
    const change = fc.oneof(
      fc.record({ add: taskDraft }),
      fc.record({ remove: fc.nat() }),
    );
    const details = await fc.check(
      fc.asyncProperty(
        fc.array(taskDraft, { minLength: 4, maxLength: 14, size: 'max' }),
        filters,
        ordering,
        fc.array(fc.array(change, { maxLength: 3 }), { maxLength: 8 }),
        async (drafts, filters, { sort, order, limit }, changes) => {
          const owner = freshOwner();
          const initial: Task[] = [];
          for (const draft of drafts) initial.push(await repository.insert(newTask(owner, draft)));
          const present = new Map(initial.map((task) => [task.id, task]));
          const deleted = new Set<TaskId>();
          const visited = await pageThrough(repository, owner, { ...filters, sort, order, limit }, async (page) => {
            for (const step of changes[page] ?? []) {
              if ('add' in step) {
                const added = await repository.insert(newTask(owner, step.add));
                present.set(added.id, added);
              } else if (present.size > 0) {
                const id = [...present.keys()][step.remove % present.size]!;
                await repository.deleteOwned(owner, id, NOW);
                present.delete(id);
                deleted.add(id);
              }
            }
          });
          const seen = idsOf(visited);
          const once = new Set(seen).size === seen.length;
          const inOrder = visited.every(
            (task, i) => i === 0 || comparePositions(positionOf(visited[i - 1]!, sort, order), positionOf(task, sort, order), order) < 0,
          );
          const onlyMatching = visited.every((task) => matchesFilters(task, filters));
          const stayed = initial.filter((task) => !deleted.has(task.id) && matchesFilters(task, filters));
          const allStayedSeen = stayed.every((task) => seen.includes(task.id));
          return once && inOrder && onlyMatching && allStayedSeen;
        },
      ),
      { numRuns: 30 },
    );
    t.notOk(details.failed, fc.defaultReportMessage(details) ?? 'no task was skipped or repeated');
  });
}
