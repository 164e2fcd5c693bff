import {
  createTaskUseCases,
  type ClaimTimes,
  type IdempotencyStore,
  type IdempotentRequest,
  type TaskChangeFeed,
  type TaskRepository,
} from '@todo/application';
import type { UserId } from '@todo/domain';
import type { Test } from 'tap';
import { InProcessChangeSignals } from '../../src/index.js';
import { freshOwner, newTask } from './task-repository-contract.js';

export interface IdempotencyFixture {
  readonly tasks: TaskRepository;
  readonly idempotency: IdempotencyStore;
  /** The change feed of the same store. */
  readonly changes: TaskChangeFeed;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = new Date('2026-03-01T12:00:00.000Z').getTime();

/** Claim times `offsetMs` after the start: a one-minute lease, a one-day lifetime. */
const at = (offsetMs: number): ClaimTimes => ({
  now: new Date(START + offsetMs),
  leaseUntil: new Date(START + offsetMs + MINUTE),
  expiresAt: new Date(START + offsetMs + DAY),
});

let keys = 0;
const request = (owner: UserId, fingerprint = 'body-a'): IdempotentRequest => ({
  owner,
  key: `key-${process.pid}-${++keys}`,
  fingerprint,
});

function tokenOf(claim: Awaited<ReturnType<IdempotencyStore['claim']>>): string {
  if (!claim.claimed) throw new Error('expected the key to be claimed');
  return claim.token;
}

/** The behaviour every IdempotencyStore adapter must share, run by each adapter's test file. */
export function idempotencyStoreContract(t: Test, makeFixture: (t: Test) => Promise<IdempotencyFixture>): void {
  t.test('a free key is claimed; once the task is in, a claim replays that task', async (t) => {
    const { tasks, idempotency } = await makeFixture(t);
    const first = request(freshOwner());
    const token = tokenOf(await idempotency.claim(first, at(0)));
    const created = await idempotency.insertTask(first, token, newTask(first.owner, { title: 'Once' }));
    t.match(created, { title: 'Once', version: 1 });
    t.same(await tasks.findOwned(first.owner, created!.id), created, 'the task is stored');
    t.same(await idempotency.claim(first, at(1000)), { claimed: false, fingerprint: 'body-a', task: created });
    t.same(
      await idempotency.claim({ ...first, fingerprint: 'body-b' }, at(2000)),
      { claimed: false, fingerprint: 'body-a', task: created },
      'another body learns the fingerprint the key was used with',
    );
    t.equal(await idempotency.insertTask(first, token, newTask(first.owner)), null, 'a completed claim inserts nothing more');
  });

  t.test('the answer replayed is the task as first created, even once it changed or was deleted', async (t) => {
    const { tasks, idempotency } = await makeFixture(t);
    const first = request(freshOwner());
    const created = await idempotency.insertTask(first, tokenOf(await idempotency.claim(first, at(0))), newTask(first.owner));
    await tasks.updateOwned(first.owner, created!.id, { title: 'Renamed', dueDate: new Date(START) }, new Date(START));
    t.same(await idempotency.claim(first, at(1000)), { claimed: false, fingerprint: 'body-a', task: created });
    await tasks.deleteOwned(first.owner, created!.id, new Date(START));
    t.same(await idempotency.claim(first, at(2000)), { claimed: false, fingerprint: 'body-a', task: created });
  });

  t.test('while the first request runs, a claim finds the key held with no task yet', async (t) => {
    const { idempotency } = await makeFixture(t);
    const first = request(freshOwner());
    tokenOf(await idempotency.claim(first, at(0)));
    t.same(await idempotency.claim(first, at(59_999)), { claimed: false, fingerprint: 'body-a', task: null });
  });

  t.test('keys are per user', async (t) => {
    const { idempotency } = await makeFixture(t);
    const mine = request(freshOwner());
    tokenOf(await idempotency.claim(mine, at(0)));
    t.equal((await idempotency.claim({ ...mine, owner: freshOwner() }, at(0))).claimed, true);
  });

  t.test('release frees a claimed key at once; only its holder can release it, and only before completion', async (t) => {
    const { idempotency } = await makeFixture(t);
    const first = request(freshOwner());
    const token = tokenOf(await idempotency.claim(first, at(0)));
    await idempotency.release(first, '00000000-0000-4000-8000-000000000000');
    t.equal((await idempotency.claim(first, at(1000))).claimed, false, 'a wrong token releases nothing');
    await idempotency.release(first, token);
    const again = tokenOf(await idempotency.claim({ ...first, fingerprint: 'body-b' }, at(2000)));
    t.equal(await idempotency.insertTask(first, token, newTask(first.owner)), null, 'the released claim can no longer insert');
    const created = await idempotency.insertTask(first, again, newTask(first.owner));
    await idempotency.release(first, again);
    t.same(await idempotency.claim(first, at(3000)), { claimed: false, fingerprint: 'body-b', task: created }, 'a completed key stays');
  });

  t.test('a claim whose lease ran out is taken over, and its holder can no longer insert', async (t) => {
    const { tasks, idempotency } = await makeFixture(t);
    const first = request(freshOwner());
    const stale = tokenOf(await idempotency.claim(first, at(0)));
    const fresh = tokenOf(await idempotency.claim(first, at(MINUTE)));
    t.not(fresh, stale);
    t.equal(await idempotency.insertTask(first, stale, newTask(first.owner, { title: 'late' })), null);
    const created = await idempotency.insertTask(first, fresh, newTask(first.owner, { title: 'on time' }));
    t.match(created, { title: 'on time' });
    t.same(
      (await tasks.listOwned(first.owner, { status: 'all', sort: 'created', order: 'asc', limit: 10, after: null })).map((task) => task.title),
      ['on time'],
      'one task only',
    );
  });

  t.test('an expired key is free again, even a completed one', async (t) => {
    const { idempotency } = await makeFixture(t);
    const first = request(freshOwner());
    await idempotency.insertTask(first, tokenOf(await idempotency.claim(first, at(0))), newTask(first.owner));
    t.equal((await idempotency.claim({ ...first, fingerprint: 'body-b' }, at(DAY - 1))).claimed, false, 'remembered for a day');
    t.equal((await idempotency.claim({ ...first, fingerprint: 'body-b' }, at(DAY))).claimed, true, 'then forgotten');
  });

  t.test('20 simultaneous claims of one key: exactly one holds it', async (t) => {
    const { idempotency } = await makeFixture(t);
    const first = request(freshOwner());
    const claims = await Promise.all(Array.from({ length: 20 }, () => idempotency.claim(first, at(0))));
    t.equal(claims.filter((claim) => claim.claimed).length, 1);
  });

  t.test('20 simultaneous creates with one key through the use case: one task, every answer that task or "in flight"', async (t) => {
    const { tasks, idempotency, changes } = await makeFixture(t);
    const owner = freshOwner();
    const signals = new InProcessChangeSignals();
    const useCases = createTaskUseCases({ tasks, idempotency, changes, signals, clock: { now: () => new Date() } });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => useCases.createTaskOnce(owner, 'parallel-key', { title: 'Pay rent', tags: ['home'] })),
    );
    const stored = await tasks.listOwned(owner, { status: 'all', sort: 'created', order: 'asc', limit: 100, after: null });
    t.equal(stored.length, 1, 'exactly one task created');
    const created = results.filter((result) => result.ok && !result.value.replayed);
    t.equal(created.length, 1, 'one request created it');
    for (const result of results) {
      if (result.ok) t.same(result.value.task, stored[0], 'created or replayed: the same task');
      else t.equal(result.error.code, 'idempotency.key_in_flight');
    }
    const feed = await changes.readChanges(owner, { after: { seq: 0, id: 0 }, limit: 100 });
    t.same(feed.changes.map(({ change }) => change), [{ type: 'upsert', task: stored[0] }], 'and one change in the feed');
  });
}
