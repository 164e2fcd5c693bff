import t from 'tap';
import { captureLogs } from './support/logs.js';
import { closedPort, isolatedRedisPrefix, RedisRelay, redisKeys, skipWithoutRedis, TEST_REDIS_URL } from './support/redis.js';
import { bearer, testApp } from './support/test-app.js';

t.test('with REDIS_URL, two instances share one count: the limit holds across them', { skip: skipWithoutRedis }, async (t) => {
  const prefix = isolatedRedisPrefix(t);
  const env = { RATE_LIMIT_MAX: '3', REDIS_URL: TEST_REDIS_URL!, REDIS_KEY_PREFIX: prefix };
  const instances = [await testApp(t, { env }), await testApp(t, { env })];
  const statuses: number[] = [];
  for (let request = 0; request < 4; request++) {
    const instance = instances[request % 2]!;
    statuses.push((await instance.inject({ url: '/api/tasks', headers: bearer('greedy') })).statusCode);
  }
  t.same(statuses, [200, 200, 200, 429], 'the fourth request is refused, whichever instance it reaches');
  const limited = await instances[1]!.inject({ url: '/api/tasks', headers: bearer('greedy') });
  t.equal(limited.statusCode, 429);
  t.ok(Number(limited.headers['retry-after']) >= 1, 'Retry-After');
  t.match(limited.headers['content-type'], /application\/problem\+json/);
  t.equal((await instances[0]!.inject({ url: '/api/tasks', headers: bearer('modest') })).statusCode, 200, 'other users are unaffected');
  t.ok((await redisKeys(prefix)).some((key) => key.startsWith(`${prefix}rate-limit:`)), 'the counters live in Redis, under the prefix');
});

t.test('without REDIS_URL, each instance counts alone (as documented)', async (t) => {
  const env = { RATE_LIMIT_MAX: '3' };
  const instances = [await testApp(t, { env }), await testApp(t, { env })];
  const statuses: number[] = [];
  for (let request = 0; request < 6; request++) {
    statuses.push((await instances[request % 2]!.inject({ url: '/api/tasks', headers: bearer('greedy') })).statusCode);
  }
  t.same(statuses, [200, 200, 200, 200, 200, 200], 'three per instance');
});

t.test('an unreachable Redis: requests are still served, quickly, and the outage is logged', async (t) => {
  const logs = captureLogs();
  const app = await testApp(t, {
    env: { RATE_LIMIT_MAX: '2', REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, LOG_LEVEL: 'warn' },
    overrides: { logDestination: logs.destination },
  });
  const started = Date.now();
  const statuses: number[] = [];
  for (let request = 0; request < 5; request++) {
    statuses.push((await app.inject({ url: '/api/tasks', headers: bearer('alice') })).statusCode);
  }
  t.same(statuses, [200, 200, 200, 200, 200], 'served (uncounted) rather than failed');
  t.ok(Date.now() - started < 2000, 'no request waited for Redis');
  const outage = logs.entries().filter((entry) => /Redis unavailable/.test(String(entry['msg'])));
  t.equal(outage.length, 1, 'the outage is logged once, not at every reconnection attempt');
  t.equal(outage[0]?.['level'], 40, 'as a warning');
});

t.test('Redis going away while serving: requests go on uncounted, and both the outage and the recovery are logged', { skip: skipWithoutRedis }, async (t) => {
  const relay = new RedisRelay();
  await relay.open();
  t.teardown(() => relay.cut());
  const logs = captureLogs();
  const app = await testApp(t, {
    env: { RATE_LIMIT_MAX: '2', REDIS_URL: `redis://127.0.0.1:${relay.port}`, REDIS_KEY_PREFIX: isolatedRedisPrefix(t), LOG_LEVEL: 'info' },
    overrides: { logDestination: logs.destination },
  });
  const list = async () => (await app.inject({ url: '/api/tasks', headers: bearer('alice') })).statusCode;
  t.same([await list(), await list(), await list()], [200, 200, 429], 'counted in Redis while it is there');

  await relay.cut();
  const logged = (pattern: RegExp) => logs.entries().some((entry) => pattern.test(String(entry['msg'])));
  const waitFor = async (pattern: RegExp) => {
    for (let attempt = 0; attempt < 100 && !logged(pattern); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    return logged(pattern);
  };
  t.ok(await waitFor(/Redis unavailable/), 'the outage is logged');
  t.same([await list(), await list()], [200, 200], 'served while Redis is away');

  await relay.open();
  t.ok(await waitFor(/Redis available again/), 'the recovery is logged');
  t.equal(await list(), 429, 'counted again: the window still holds the earlier requests');
});
