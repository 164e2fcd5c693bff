import type { AddressInfo } from 'node:net';
import { InMemoryTaskRepository } from '@todo/adapters';
import t from 'tap';
import { isolatedRedisPrefix, redisClientList, skipWithoutRedis, TEST_REDIS_URL } from './support/redis.js';
import { bearer, testApp } from './support/test-app.js';

t.test('closing the app (as SIGTERM does) lets a request in flight finish, then refuses new connections', async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reachedStore: () => void = () => {};
  const inStore = new Promise<void>((resolve) => (reachedStore = resolve));
  const tasks = new InMemoryTaskRepository();
  const listOwned = tasks.listOwned.bind(tasks);
  tasks.listOwned = async (...args) => {
    reachedStore();
    await gate;
    return listOwned(...args);
  };
  const app = await testApp(t, { overrides: { tasks } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/tasks`;

  const inFlight = fetch(url, { headers: bearer('alice') });
  await inStore;
  const closing = app.close();
  release();
  const response = await inFlight;
  t.equal(response.status, 200, 'the request in flight got its answer');
  t.same(await response.json(), []);
  await closing;
  await t.rejects(fetch(url, { headers: bearer('alice') }), 'no new connections after close');
});

t.test('closing the app closes its Redis connection too', { skip: skipWithoutRedis }, async (t) => {
  const prefix = isolatedRedisPrefix(t);
  const app = await testApp(t, { env: { RATE_LIMIT_MAX: '10', REDIS_URL: TEST_REDIS_URL!, REDIS_KEY_PREFIX: prefix } });
  const clientsNamed = async () => (await redisClientList()).filter((client) => client.name === `${prefix}api`).length;
  t.equal(await clientsNamed(), 1, 'connected while the app runs');
  await app.close();
  let remaining = await clientsNamed();
  for (let attempt = 0; attempt < 40 && remaining > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    remaining = await clientsNamed();
  }
  t.equal(remaining, 0, 'disconnected once the app is closed');
});
