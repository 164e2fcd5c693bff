import {
  DELETION_RETENTION_MS,
  compareFeedPositions,
  type FeedPosition,
  type PositionedChange,
  type TaskChangeFeed,
  type TaskListQuery,
  type TaskRepository,
} from '@todo/application';
import { applyChanges, changedTaskId, type Task, type TaskId, type UserId } from '@todo/domain';
import fc from 'fast-check';
import type { Test } from 'tap';
import { freshOwner, newTask } from './task-repository-contract.js';

export interface ChangeFeedFixture {
  readonly tasks: TaskRepository;
  readonly changes: TaskChangeFeed;
}

const NOW = new Date('2026-03-01T12:00:00.000Z');
const everything: TaskListQuery = { status: 'all', sort: 'created', order: 'asc', limit: 10_000, after: null };
const START: FeedPosition = { seq: 0, id: 0 };

const currentTasks = async (tasks: TaskRepository, owner: UserId) =>
  new Map((await tasks.listOwned(owner, everything)).map((task) => [task.id, task] as const));

/** Reads the whole feed from `after` in pages of `limit`, like a client following `cursor` while `has_more`. */
async function readAll(changes: TaskChangeFeed, owner: UserId, after: FeedPosition | null, limit = 1000): Promise<PositionedChange[]> {
  const all: PositionedChange[] = [];
  let from = after;
  for (let page = 0; ; page++) {
    if (page > 10_000) throw new Error('the feed never ends');
    const read = await changes.readChanges(owner, { after: from, limit });
    all.push(...read.changes);
    if (!read.hasMore) return all;
    from = read.changes.at(-1)!.position;
  }
}

const kinds = (changes: readonly PositionedChange[]) =>
  changes.map(({ change }) => `${change.type} ${changedTaskId(change)}`);

const strictlyIncreasing = (changes: readonly PositionedChange[]) =>
  changes.every((change, index) => index === 0 || compareFeedPositions(changes[index - 1]!.position, change.position) < 0);

/** The behaviour every TaskChangeFeed adapter must share, run by each adapter's test file with its repository. */
export function changeFeedContract(t: Test, makeFixture: (t: Test) => Promise<ChangeFeedFixture>): void {
  t.test('a user who never wrote has an empty feed at seq 0', async (t) => {
    const { changes } = await makeFixture(t);
    const owner = freshOwner();
    t.same(await changes.readChanges(owner, { after: null, limit: 10 }), { changes: [], hasMore: false, headSeq: 0, forgottenSeq: 0 });
    t.equal(await changes.headSeq(owner), 0);
  });

  t.test('every kind of write is a change, in write order, each task once at its latest write', async (t) => {
    const { tasks, changes } = await makeFixture(t);
    const owner = freshOwner();
    const a = await tasks.insert(newTask(owner, { title: 'a' }));
    const b = await tasks.insert(newTask(owner, { title: 'b' }));
    const c = await tasks.insert(newTask(owner, { title: 'c' }));
    const d = await tasks.insert(newTask(owner, { title: 'd', completed: true }));
    t.equal(await changes.headSeq(owner), 4, 'one seq per write');
    const afterInserts = await changes.headSeq(owner);

    await tasks.updateOwned(owner, a.id, { title: 'a2' }, NOW);
    await tasks.toggleCompletedOwned(owner, b.id, NOW);
    await tasks.deleteOwned(owner, c.id, NOW);
    await tasks.setCompletedManyOwned(owner, [a.id, d.id], true, NOW);
    await tasks.deleteCompletedOwned(owner, NOW);

    const all = await readAll(changes, owner, START);
    t.same(kinds(all), [`delete ${c.id}`, `delete ${a.id}`, `delete ${b.id}`, `delete ${d.id}`], 'compacted: only the deletions are left');
    t.ok(strictlyIncreasing(all), 'positions strictly increase');
    t.equal(all[1]!.position.seq, all[2]!.position.seq, 'one bulk clear is one write: its deletions share a seq');
    t.ok(all[1]!.position.id < all[2]!.position.id, 'and are ordered by id');

    const fromInserts = await readAll(changes, owner, { seq: afterInserts, id: Number.MAX_SAFE_INTEGER });
    t.same(kinds(fromInserts), kinds(all), 'a reader from after the inserts sees the same');
    t.same(kinds(await readAll(changes, owner, null)), [], 'a full sync has no task and no deletion');
  });

  t.test('an upsert carries the task as it is after the write; a full sync has every current task and no deletion', async (t) => {
    const { tasks, changes } = await makeFixture(t);
    const owner = freshOwner();
    const kept = await tasks.insert(newTask(owner, { title: 'kept', tags: ['Work'], dueDate: NOW, priority: 'high' }));
    const gone = await tasks.insert(newTask(owner, { title: 'gone' }));
    const head = await changes.headSeq(owner);
    const renamed = await tasks.updateOwned(owner, kept.id, { title: 'renamed', description: 'now with a description' }, NOW);
    await tasks.deleteOwned(owner, gone.id, NOW);

    const incremental = await readAll(changes, owner, { seq: head, id: Number.MAX_SAFE_INTEGER });
    t.same(incremental.map(({ change }) => change), [{ type: 'upsert', task: renamed }, { type: 'delete', id: gone.id }]);
    const full = await changes.readChanges(owner, { after: null, limit: 10 });
    t.same(full.changes.map(({ change }) => change), [{ type: 'upsert', task: renamed }]);
    t.equal(full.headSeq, head + 2);
  });

  t.test('another user\'s writes never appear in a feed', async (t) => {
    const { tasks, changes } = await makeFixture(t);
    const owner = freshOwner();
    const other = freshOwner();
    const mine = await tasks.insert(newTask(owner));
    const theirs = await tasks.insert(newTask(other));
    await tasks.deleteOwned(other, theirs.id, NOW);
    await tasks.updateOwned(other, mine.id, { title: 'not yours' }, NOW);
    await tasks.deleteOwned(other, mine.id, NOW);
    t.same(kinds(await readAll(changes, owner, START)), [`upsert ${mine.id}`]);
    t.same(kinds(await readAll(changes, other, START)), [`delete ${theirs.id}`]);
  });

  t.test('pages of any size end exactly at the head, with hasMore until then', async (t) => {
    const { tasks, changes } = await makeFixture(t);
    const owner = freshOwner();
    for (let index = 0; index < 7; index++) await tasks.insert(newTask(owner, { title: `task ${index}` }));
    const first = await changes.readChanges(owner, { after: START, limit: 3 });
    t.equal(first.changes.length, 3);
    t.ok(first.hasMore);
    const rest = await changes.readChanges(owner, { after: first.changes.at(-1)!.position, limit: 4 });
    t.equal(rest.changes.length, 4);
    t.notOk(rest.hasMore, 'exactly at the end: nothing more');
    t.equal(rest.changes.at(-1)!.position.seq, rest.headSeq);
  });

  t.test('deletions are kept for the retention period, then forgotten by a later delete, and the feed says up to where', async (t) => {
    const { tasks, changes } = await makeFixture(t);
    const owner = freshOwner();
    const old = await tasks.insert(newTask(owner));
    const recent = await tasks.insert(newTask(owner));
    const bystander = await tasks.insert(newTask(owner));
    await tasks.deleteOwned(owner, old.id, NOW);
    const oldDeletion = await changes.headSeq(owner);
    const almost = new Date(NOW.getTime() + DELETION_RETENTION_MS - 60_000);
    await tasks.deleteOwned(owner, recent.id, almost);
    t.same(kinds(await readAll(changes, owner, START)), [`upsert ${bystander.id}`, `delete ${old.id}`, `delete ${recent.id}`], 'both kept');

    // Another user's delete, past the first deletion's retention, forgets it: no job needed.
    const other = freshOwner();
    const trigger = await tasks.insert(newTask(other));
    await tasks.deleteOwned(other, trigger.id, new Date(NOW.getTime() + DELETION_RETENTION_MS + 120_000));
    const read = await changes.readChanges(owner, { after: START, limit: 10 });
    t.same(kinds(read.changes), [`upsert ${bystander.id}`, `delete ${recent.id}`], 'the old deletion is forgotten, the recent one kept');
    t.equal(read.forgottenSeq, oldDeletion, 'the feed tells which seq deletions may be missing up to');
  });

  t.test('a follower applying the feed in pages ends with exactly the current tasks, whatever was written meanwhile', async (t) => {
    const { tasks, changes } = await makeFixture(t);
    type Step = { add: string } | { rename: number } | { toggle: number } | { remove: number } | { bulk: number[] } | { clear: true };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ add: fc.constantFrom('x', 'y', 'z') }),
      fc.record({ rename: fc.nat() }),
      fc.record({ toggle: fc.nat() }),
      fc.record({ remove: fc.nat() }),
      fc.record({ bulk: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }),
      fc.record({ clear: fc.constant(true as const) }),
    );
    const details = await fc.check(
      fc.asyncProperty(fc.array(fc.array(step, { maxLength: 4 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), async (rounds, limit) => {
        const owner = freshOwner();
        let replica = new Map<TaskId, Task>();
        let position: FeedPosition | null = null;
        const pick = async (index: number) => {
          const ids = [...(await currentTasks(tasks, owner)).keys()];
          return ids.length === 0 ? undefined : ids[index % ids.length]!;
        };
        for (const round of rounds) {
          for (const write of round) {
            if ('add' in write) await tasks.insert(newTask(owner, { title: write.add }));
            else if ('rename' in write) {
              const id = await pick(write.rename);
              if (id !== undefined) await tasks.updateOwned(owner, id, { title: `renamed ${write.rename}` }, NOW);
            } else if ('toggle' in write) {
              const id = await pick(write.toggle);
              if (id !== undefined) await tasks.toggleCompletedOwned(owner, id, NOW);
            } else if ('remove' in write) {
              const id = await pick(write.remove);
              if (id !== undefined) await tasks.deleteOwned(owner, id, NOW);
            } else if ('bulk' in write) {
              const ids = (await Promise.all(write.bulk.map(pick))).filter((id): id is TaskId => id !== undefined);
              await tasks.setCompletedManyOwned(owner, ids, true, NOW);
            } else await tasks.deleteCompletedOwned(owner, NOW);
          }
          // One page per round: the follower lags behind, then catches up at the end.
          const read = await changes.readChanges(owner, { after: position, limit });
          replica = applyChanges(replica, read.changes.map(({ change }) => change));
          position = read.changes.at(-1)?.position ?? position ?? START;
        }
        const rest = await readAll(changes, owner, position, limit);
        replica = applyChanges(replica, rest.map(({ change }) => change));
        const current = await currentTasks(tasks, owner);
        return JSON.stringify([...replica].sort(([a], [b]) => a - b)) === JSON.stringify([...current].sort(([a], [b]) => a - b));
      }),
      { numRuns: 25 },
    );
    t.notOk(details.failed, fc.defaultReportMessage(details) ?? 'every follower converged');
  });

  t.test('racing writers: the feed never shows a seq before all smaller ones, and a follower converges', async (t) => {
    const { tasks, changes } = await makeFixture(t);
    const owner = freshOwner();
    const seeded = await Promise.all(Array.from({ length: 8 }, (_, index) => tasks.insert(newTask(owner, { title: `seed ${index}` }))));
    let writing = true;
    let replica = new Map<TaskId, Task>();
    let position: FeedPosition = START;
    const reads: number[][] = [];
    const follower = (async () => {
      while (writing) {
        const read = await changes.readChanges(owner, { after: position, limit: 5 });
        reads.push(read.changes.map(({ position }) => position.seq));
        replica = applyChanges(replica, read.changes.map(({ change }) => change));
        position = read.changes.at(-1)?.position ?? position;
      }
    })();
    const ids = seeded.map((task) => task.id);
    const writers = Array.from({ length: 6 }, async (_, writer) => {
      for (let round = 0; round < 12; round++) {
        const id = ids[(writer + round) % ids.length]!;
        switch ((writer + round) % 5) {
          case 0:
            ids.push((await tasks.insert(newTask(owner, { title: `w${writer} r${round}` }))).id);
            break;
          case 1:
            await tasks.updateOwned(owner, id, { title: `w${writer} r${round}` }, NOW);
            break;
          case 2:
            await tasks.toggleCompletedOwned(owner, id, NOW);
            break;
          case 3:
            await tasks.setCompletedManyOwned(owner, ids.slice(0, 4), round % 2 === 0, NOW);
            break;
          case 4:
            await tasks.deleteOwned(owner, id, NOW);
        }
      }
    });
    await Promise.all(writers);
    writing = false;
    await follower;
    replica = applyChanges(replica, (await readAll(changes, owner, position)).map(({ change }) => change));
    t.same([...replica.keys()].sort((a, b) => a - b), [...(await currentTasks(tasks, owner)).keys()].sort((a, b) => a - b), 'same tasks');
    t.same(
      [...replica.values()].sort((a, b) => a.id - b.id),
      [...(await currentTasks(tasks, owner)).values()].sort((a, b) => a.id - b.id),
      'in the same state',
    );
    t.ok(reads.every((seqs) => seqs.every((seq, index) => index === 0 || seq >= seqs[index - 1]!)), 'every read in order');
    t.ok(reads.length > 1, `the follower read ${reads.length} times while writers ran`);
  });
}
