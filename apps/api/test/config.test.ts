import { resolve } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig, sessionUrlOf } from '../src/config.js';

t.test('defaults: port 8000, embedded PGlite under .data, the Next.js dev origin, migrations at start', async (t) => {
  const config = loadConfig({});
  t.equal(config.port, 8000);
  t.equal(config.host, '127.0.0.1');
  t.same(config.database, { kind: 'pglite', dataDir: resolve('.data/pglite') });
  t.same(config.corsOrigins, ['http://localhost:3000']);
  t.equal(config.migrateOnStart, true);
  t.equal(config.authSecret, null, 'outside production a development secret is generated later');
  t.ok(Object.isFrozen(config), 'frozen');
});

t.test('DATABASE_URL selects PostgreSQL; NEON_DB_URL is accepted too; DATABASE_URL wins', async (t) => {
  const neon = 'postgresql://me:pw@ep-cool.neon.tech/app?sslmode=require';
  t.same(loadConfig({ NEON_DB_URL: neon }).database, { kind: 'postgres', url: neon, directUrl: null, poolMax: 10 });
  t.same(loadConfig({ NEON_DB_URL: neon, DATABASE_URL: 'postgres://local/db', DATABASE_POOL_MAX: '4' }).database, {
    kind: 'postgres',
    url: 'postgres://local/db',
    directUrl: null,
    poolMax: 4,
  });
});

t.test('DATABASE_DIRECT_URL is the session URL beside a pooled DATABASE_URL; alone it is refused', async (t) => {
  const pooled = 'postgresql://me:pw@ep-cool-123-pooler.eu-central-1.aws.neon.tech/app?sslmode=require&channel_binding=require';
  const direct = 'postgresql://me:pw@ep-cool-123.eu-central-1.aws.neon.tech/app?sslmode=require&channel_binding=require';
  const database = loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct }).database;
  t.same(database, { kind: 'postgres', url: pooled, directUrl: direct, poolMax: 10 });
  t.equal(database.kind === 'postgres' && sessionUrlOf(database), direct, 'migrations and LISTEN use the direct URL');
  const withoutDirect = loadConfig({ DATABASE_URL: pooled }).database;
  t.equal(withoutDirect.kind === 'postgres' && sessionUrlOf(withoutDirect), pooled, 'without it, DATABASE_URL');
  t.throws(() => loadConfig({ DATABASE_DIRECT_URL: direct }), { name: 'ConfigError', message: /DATABASE_DIRECT_URL.*DATABASE_URL/ });
  t.throws(() => loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: 'mysql://x' }), { name: 'ConfigError', message: /DATABASE_DIRECT_URL/ });
});

t.test('a bad setting stops start-up with a message naming it', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ MIGRATE_ON_START: 'perhaps' }, /MIGRATE_ON_START/],
    [{ CORS_ORIGINS: 'localhost:3000' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, /CORS_ORIGINS/],
  ];
  for (const [environment, names] of cases) {
    t.throws(() => loadConfig(environment), { name: 'ConfigError', message: names }, JSON.stringify(environment));
  }
});

t.test('production defaults nothing insecure', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), new ConfigError('x').constructor, 'no secret: refuses');
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), { message: /BETTER_AUTH_SECRET/ });
  t.throws(() => loadConfig({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'short' }), { message: /BETTER_AUTH_SECRET.*32/ });
  const config = loadConfig({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 's'.repeat(32) });
  t.same(config.corsOrigins, [], 'no CORS origin unless configured');
  t.equal(config.host, '0.0.0.0');
});

t.test('empty variables count as unset', async (t) => {
  t.equal(loadConfig({ PORT: '', DATABASE_URL: '  ' }).port, 8000);
  t.equal(loadConfig({ DATABASE_URL: '' }).database.kind, 'pglite');
});

t.test('operations settings: defaults, and what they can be set to', async (t) => {
  const defaults = loadConfig({});
  t.equal(defaults.bodyLimitBytes, 64 * 1024);
  t.equal(defaults.redis, null, 'without REDIS_URL each instance counts alone');
  t.same(defaults.overload, { maxEventLoopDelayMs: 1000, maxHeapUsedBytes: 0, maxRssBytes: 0, sampleIntervalMs: 1000 });
  t.equal(defaults.metricsToken, null, 'no /metrics unless a token is set');

  const tuned = loadConfig({
    BODY_LIMIT_BYTES: '1048576',
    REDIS_URL: 'rediss://:pw@cache.internal:6380/2',
    REDIS_KEY_PREFIX: 'todo-eu:',
    REDIS_TIMEOUT_MS: '250',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_HEAP_USED_BYTES: '900000000',
    MAX_RSS_BYTES: '1500000000',
    PRESSURE_SAMPLE_INTERVAL_MS: '500',
    METRICS_TOKEN: 'scrape-me',
  });
  t.equal(tuned.bodyLimitBytes, 1024 * 1024);
  t.same(tuned.redis, { url: 'rediss://:pw@cache.internal:6380/2', keyPrefix: 'todo-eu:', timeoutMs: 250 });
  t.same(tuned.overload, { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 900_000_000, maxRssBytes: 1_500_000_000, sampleIntervalMs: 500 });
  t.equal(tuned.metricsToken, 'scrape-me');
  t.ok(Object.isFrozen(tuned.redis) && Object.isFrozen(tuned.overload));
});

t.test('a bad operations setting stops start-up naming it', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ BODY_LIMIT_BYTES: '100' }, /BODY_LIMIT_BYTES/],
    [{ BODY_LIMIT_BYTES: 'big' }, /BODY_LIMIT_BYTES/],
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL/],
    [{ REDIS_TIMEOUT_MS: '0' }, /REDIS_TIMEOUT_MS/],
    [{ MAX_EVENT_LOOP_DELAY_MS: '-1' }, /MAX_EVENT_LOOP_DELAY_MS/],
    [{ PRESSURE_SAMPLE_INTERVAL_MS: '1' }, /PRESSURE_SAMPLE_INTERVAL_MS/],
    [{ NODE_ENV: 'production', BETTER_AUTH_SECRET: 's'.repeat(32), METRICS_TOKEN: 'short' }, /METRICS_TOKEN.*32/],
  ];
  for (const [environment, names] of cases) {
    t.throws(() => loadConfig(environment), { name: 'ConfigError', message: names }, JSON.stringify(environment));
  }
});
