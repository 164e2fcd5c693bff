import { createServer, type Socket } from 'node:net';
import { RepositoryUnavailableError, type TaskListQuery } from '@todo/application';
import type { TaskId } from '@todo/domain';
import { sql, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import t, { type Test } from 'tap';
import {
  DATABASE_TIMEOUTS,
  KyselyIdempotencyStore,
  KyselyTaskRepository,
  openDatabase,
  translateUnavailable,
  type DatabaseConnection,
} from '../src/index.js';
import type { Database } from '../src/postgres/database.js';
import { isolatedPostgres, scratchDatabase, skipWithoutPostgres, TEST_DATABASE_URL } from './support/databases.js';
import { freePort } from './support/free-port.js';
import { sharedPgBouncer } from './support/pgbouncer.js';
import { freshOwner, newTask } from './support/task-repository-contract.js';

/**
 * What a database that goes away does to the PostgreSQL adapter: every failure is the port's
 * RepositoryUnavailableError within the time budget, a dying connection never ends the process, and the pool
 * recovers by itself. Only this file's own backends are terminated; the shared server is never stopped.
 */

/** A connection under test to the schema `admin` works in: one client, so reuse of a bad one would show. */
async function connectionUnderTest(t: Test, admin: DatabaseConnection, errors: Error[] = []): Promise<DatabaseConnection> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(admin.db);
  const connection = await openDatabase(
    { kind: 'postgres', url: TEST_DATABASE_URL!, poolMax: 1, searchPath: rows[0]!.schema },
    { onConnectionError: (error) => errors.push(error) },
  );
  t.teardown(() => connection.close());
  return connection;
}

/** Runs `work` while `admin` holds a lock that makes every write to `tasks` wait. */
function whileTasksLocked<T>(admin: DatabaseConnection, work: (lockHolder: Transaction<Database>) => Promise<T>): Promise<T> {
  return admin.db.transaction().execute(async (trx) => {
    await sql`lock table tasks in exclusive mode`.execute(trx);
    return work(trx);
  });
}

/** The backends waiting for the lock `lockHolder` holds, once there are `count` of them. */
async function blockedBackends(lockHolder: Kysely<Database>, count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // pg_stat_activity is read once per transaction unless told to look again.
    await sql`select pg_stat_clear_snapshot()`.execute(lockHolder);
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))
    `.execute(lockHolder);
    if (rows.length >= count) return rows.map((row) => row.pid);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${count} backends ever waited for the lock`);
}

const terminate = (lockHolder: Kysely<Database>, pids: number[]) =>
  sql`select pg_terminate_backend(pid) from unnest(${pids}::int[]) as pid`.execute(lockHolder);

async function elapsed<T>(promise: Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; ms: number }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([promise]);
  return { outcome, ms: performance.now() - started };
}

const EVERY_TASK: TaskListQuery = { status: 'all', sort: 'created', order: 'asc', limit: 100, after: null };

const unavailable = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'rejected' && outcome.reason instanceof RepositoryUnavailableError;
const causeOf = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'rejected' ? (outcome.reason as Error).cause : undefined;

t.test('a refused connection is unavailable, at once', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${await freePort()}/none`, poolMax: 1 });
  t.teardown(() => connection.close());
  const { outcome, ms } = await elapsed(new KyselyTaskRepository(connection.db, connection.run).findOwned(freshOwner(), 1 as TaskId));
  t.ok(unavailable(outcome), 'RepositoryUnavailableError');
  t.match(causeOf(outcome), { code: 'ECONNREFUSED' });
  t.ok(ms < 1000, `in ${Math.round(ms)} ms`);
});

t.test('a server that accepts but never answers: unavailable after the connect timeout', async (t) => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const connection = await openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/none`, poolMax: 1 });
  t.teardown(() => connection.close());
  const { outcome, ms } = await elapsed(new KyselyTaskRepository(connection.db, connection.run).findOwned(freshOwner(), 1 as TaskId));
  t.ok(unavailable(outcome), 'RepositoryUnavailableError');
  t.match(causeOf(outcome), { message: /connection timeout/ });
  t.ok(ms >= DATABASE_TIMEOUTS.connectMs - 100 && ms < DATABASE_TIMEOUTS.connectMs + 1500, `after ${Math.round(ms)} ms`);
});

t.test('terminated connections', { skip: skipWithoutPostgres }, async (t) => {
  const admin = await isolatedPostgres(t);

  t.test('during a statement: unavailable, reported to the listener instead of ending the process, then the pool recovers', async (t) => {
    const errors: Error[] = [];
    const connection = await connectionUnderTest(t, admin, errors);
    const tasks = new KyselyTaskRepository(connection.db, connection.run);
    const owner = freshOwner();
    const outcome = await whileTasksLocked(admin, async (lockHolder) => {
      const insert = elapsed(tasks.insert(newTask(owner, { title: 'Terminated' })));
      await terminate(lockHolder, await blockedBackends(lockHolder, 1));
      return (await insert).outcome;
    });
    t.ok(unavailable(outcome), 'RepositoryUnavailableError');
    t.match(causeOf(outcome), { code: '57P01' }, 'admin_shutdown');
    // The client was checked out: without its own 'error' listener, this event would have ended the process.
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.ok(errors.some((error) => /terminat/i.test(error.message)), `the connection's error was reported (${errors.map((e) => e.message).join('; ')})`);
    const stored = await tasks.insert(newTask(owner, { title: 'After' }));
    t.equal(stored.title, 'After', 'the next statement gets a new connection');
    t.same((await tasks.listOwned(owner, EVERY_TASK)).map((task) => task.title), ['After']);
  });

  t.test('during a transaction: unavailable (the ROLLBACK on the dead connection included), nothing written', async (t) => {
    const connection = await connectionUnderTest(t, admin);
    const store = new KyselyIdempotencyStore(connection.db);
    const owner = freshOwner();
    const request = { owner, key: 'terminated', fingerprint: 'f' };
    const now = new Date();
    const claim = await store.claim(request, { now, leaseUntil: new Date(now.getTime() + 10_000), expiresAt: new Date(now.getTime() + 86_400_000) });
    if (!claim.claimed) throw new Error('the key was free');
    const outcome = await whileTasksLocked(admin, async (lockHolder) => {
      const insert = elapsed(store.insertTask(request, claim.token, newTask(owner)));
      await terminate(lockHolder, await blockedBackends(lockHolder, 1));
      return (await insert).outcome;
    });
    t.ok(unavailable(outcome), `RepositoryUnavailableError (${String(causeOf(outcome))})`);
    const tasks = await new KyselyTaskRepository(admin.db).listOwned(owner, EVERY_TASK);
    t.same(tasks, [], 'the transaction rolled back');
  });

  t.test('a connection that died between two statements of a transaction: the next one is unavailable', async (t) => {
    const connection = await connectionUnderTest(t, admin);
    const owner = freshOwner();
    // As the idempotency store runs its transaction: translated as a whole, Kysely's ROLLBACK included.
    const { outcome } = await elapsed(
      translateUnavailable(() =>
        connection.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await terminate(admin.db, [rows[0]!.pid]);
          await new Promise((resolve) => setTimeout(resolve, 100)); // the client has seen its connection end
          return new KyselyTaskRepository(trx).insert(newTask(owner));
        }),
      ),
    );
    t.ok(unavailable(outcome), 'RepositoryUnavailableError');
    t.match(causeOf(outcome), { message: /not queryable/ }, 'pg refused the ROLLBACK on the dead client');
    t.same(await new KyselyTaskRepository(admin.db).listOwned(owner, EVERY_TASK), [], 'nothing written');
  });

  t.test('a statement that does not answer: unavailable after the query timeout; the client is closed, not pooled again', async (t) => {
    const connection = await connectionUnderTest(t, admin);
    const tasks = new KyselyTaskRepository(connection.db, connection.run);
    await tasks.findOwned(freshOwner(), 1 as TaskId); // the pool's one client now exists
    const results = await whileTasksLocked(admin, async (lockHolder) => {
      const stuck = elapsed(tasks.insert(newTask(freshOwner())));
      const [stuckPid] = await blockedBackends(lockHolder, 1);
      const timedOut = await stuck;
      // Still under the lock: the pool's one client answers at once, so it is not the timed-out one.
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection.db);
      await terminate(lockHolder, [stuckPid!]);
      return { timedOut, newPid: rows[0]!.pid, stuckPid: stuckPid! };
    });
    t.ok(unavailable(results.timedOut.outcome), 'RepositoryUnavailableError');
    t.match(causeOf(results.timedOut.outcome), { message: 'Query read timeout' });
    t.ok(results.timedOut.ms < DATABASE_TIMEOUTS.queryMs + 1000, `after ${Math.round(results.timedOut.ms)} ms`);
    t.not(results.newPid, results.stuckPid, 'another backend served the next statement');
  });

  t.test('a full pool: a call that waits for a connection is unavailable after the connect timeout', async (t) => {
    const connection = await connectionUnderTest(t, admin);
    let waiting: Promise<{ outcome: PromiseSettledResult<unknown>; ms: number }> | undefined;
    // The pool's only client is held (in a transaction, between statements) for longer than anyone may wait.
    await connection.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      waiting = elapsed(new KyselyTaskRepository(connection.db, connection.run).findOwned(freshOwner(), 1 as TaskId));
      await new Promise((resolve) => setTimeout(resolve, DATABASE_TIMEOUTS.connectMs + 500));
    });
    const { outcome, ms } = await waiting!;
    t.ok(unavailable(outcome), 'RepositoryUnavailableError');
    t.match(causeOf(outcome), { message: /timeout exceeded when trying to connect/ });
    t.ok(ms < DATABASE_TIMEOUTS.connectMs + 1000, `after ${Math.round(ms)} ms`);
  });

  t.test('a transaction that does not answer: unavailable after one query timeout, and the server ends it too', async (t) => {
    const connection = await connectionUnderTest(t, admin);
    const store = new KyselyIdempotencyStore(connection.db);
    const owner = freshOwner();
    const request = { owner, key: 'stuck', fingerprint: 'f' };
    const now = new Date();
    const claim = await store.claim(request, { now, leaseUntil: new Date(now.getTime() + 10_000), expiresAt: new Date(now.getTime() + 86_400_000) });
    if (!claim.claimed) throw new Error('the key was free');
    const { insert, waitingAfter } = await whileTasksLocked(admin, async (lockHolder) => {
      const insert = await elapsed(store.insertTask(request, claim.token, newTask(owner)));
      // The client gave up; the server's own statement timeout (SET LOCAL) ends the transaction it left,
      // releasing the key's row, even though the lock it waits for is still held.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))
      `.execute(lockHolder);
      return { insert, waitingAfter: rows[0]!.n };
    });
    t.ok(unavailable(insert.outcome), 'RepositoryUnavailableError');
    // Not two timeouts: the ROLLBACK after the first fails at once instead of queueing behind the stuck INSERT.
    t.ok(insert.ms < DATABASE_TIMEOUTS.queryMs + 1000, `after ${Math.round(insert.ms)} ms`);
    t.equal(waitingAfter, 0, 'no backend still waits on behalf of the abandoned transaction');
    const retry = await store.claim(request, { now: new Date(now.getTime() + 10_001), leaseUntil: new Date(now.getTime() + 20_000), expiresAt: new Date(now.getTime() + 86_400_000) });
    t.ok(retry.claimed, 'once the lease ran out, a retry takes the key over');
  });
});

t.test('through PgBouncer in transaction mode (Neon\'s pooler)', { skip: skipWithoutPostgres }, async (t) => {
  const bouncer = await sharedPgBouncer(TEST_DATABASE_URL!);
  const database = await scratchDatabase(t);

  t.test('the pooler refuses statement_timeout as a startup parameter, as pg.Pool would send it', async (t) => {
    const pool = new pg.Pool({ connectionString: bouncer.url(database.name), statement_timeout: 15_000, max: 1 });
    t.teardown(() => pool.end());
    await t.rejects(pool.query('select 1'), { message: /unsupported startup parameter: statement_timeout/ });
  });

  t.test('the service\'s pool connects through it', async (t) => {
    const connection = await openDatabase({ kind: 'postgres', url: bouncer.url(database.name), poolMax: 2 });
    t.teardown(() => connection.close());
    await t.resolves(connection.ping());
  });
});
