import t from 'tap';
import { skipWithoutPostgres } from '../../../packages/adapters/test/support/databases.js';
import { bearer, testApp } from './support/test-app.js';

const METRICS_TOKEN = 'a-metrics-token-only-the-scraper-knows';
const scrape = { authorization: `Bearer ${METRICS_TOKEN}` };

/** The value of one series in the Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

t.test('/metrics does not exist without METRICS_TOKEN', async (t) => {
  const app = await testApp(t);
  t.equal((await app.inject({ url: '/metrics', headers: scrape })).statusCode, 404);
});

t.test('/metrics needs the bearer token; a missing or wrong one is 401 problem+json', async (t) => {
  const app = await testApp(t, { env: { METRICS_TOKEN } });
  for (const authorization of [undefined, 'Bearer wrong', `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN, `Basic ${METRICS_TOKEN}`]) {
    const response = await app.inject({ url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
    t.equal(response.statusCode, 401, String(authorization));
    t.match(response.headers['content-type'], /application\/problem\+json/);
    t.match(response.headers['www-authenticate'], /^Bearer/);
  }
  const ok = await app.inject({ url: '/metrics', headers: scrape });
  t.equal(ok.statusCode, 200);
  t.match(ok.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.equal(ok.headers['cache-control'], 'no-store');
});

t.test('requests are counted and timed by method, route template and status; ids never become labels', async (t) => {
  const app = await testApp(t, { env: { METRICS_TOKEN } });
  const created = await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer('alice'), payload: { title: 'Count me' } });
  const id = created.json().id as number;
  for (const taskId of [id, 987654, 123456]) await app.inject({ url: `/api/tasks/${taskId}`, headers: bearer('alice') });
  await app.inject({ url: `/api/alice/tasks/${id}`, headers: bearer('alice') });
  await app.inject({ url: '/no/such/route/42' });
  await app.inject({ url: '/another/unknown/7' });
  await app.inject({ url: '/api/tasks' });

  const text = (await app.inject({ url: '/metrics', headers: scrape })).body;
  const count = (labels: string) => sample(text, `http_request_duration_seconds_count{${labels}}`);
  t.equal(count('method="POST",route="/api/tasks",status_code="201"'), 1, 'the create');
  t.equal(count('method="GET",route="/api/tasks/:id",status_code="200"'), 1, 'the read that found its task');
  t.equal(count('method="GET",route="/api/tasks/:id",status_code="404"'), 2, 'two missing ids, one series');
  t.equal(count('method="GET",route="/api/:user_id/tasks/:id",status_code="200"'), 1, 'the compat mount by its template');
  t.equal(count('method="GET",route="unmatched",status_code="404"'), 2, 'unknown URLs share one label');
  t.equal(count('method="GET",route="/api/tasks",status_code="401"'), 1, 'refused requests too');
  t.notMatch(text, /987654|123456|\/no\/such|route="\/api\/tasks\/\d/, 'no raw URL or id in any label');
  t.ok(
    (sample(text, 'http_request_duration_seconds_bucket{le="10",method="POST",route="/api/tasks",status_code="201"}') ?? 0) >= 1,
    'latency histogram buckets',
  );
  t.ok((sample(text, 'http_request_duration_seconds_sum{method="POST",route="/api/tasks",status_code="201"}') ?? -1) >= 0);
});

t.test('default process metrics are exposed, and each app has a registry of its own', async (t) => {
  const first = await testApp(t, { env: { METRICS_TOKEN } });
  const second = await testApp(t, { env: { METRICS_TOKEN } });
  await first.inject('/healthz');
  await first.inject('/healthz');
  const text = (await first.inject({ url: '/metrics', headers: scrape })).body;
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    t.match(text, new RegExp(`^${name} `, 'm'), name);
  }
  const health = 'http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"}';
  t.equal(sample(text, health), 2);
  t.equal(sample((await second.inject({ url: '/metrics', headers: scrape })).body, health), undefined, "the other app's requests are not counted here");
});

t.test('PGlite reports its one connection', async (t) => {
  const app = await testApp(t, { store: 'pglite', env: { METRICS_TOKEN } });
  const text = (await app.inject({ url: '/metrics', headers: scrape })).body;
  t.equal(sample(text, 'db_pool_connections'), 1);
  t.equal(sample(text, 'db_pool_idle_connections'), undefined, 'PGlite has no pool: no idle count to report');
});

t.test('PostgreSQL pool gauges: connections open, idle and queries waiting', { skip: skipWithoutPostgres }, async (t) => {
  const app = await testApp(t, { store: 'postgres', env: { METRICS_TOKEN } });
  await Promise.all(Array.from({ length: 8 }, () => app.inject({ url: '/api/tasks', headers: bearer('alice') })));
  // The change signals' listener tests itself with a NOTIFY through the pool now and then: give it a moment.
  let text = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    text = (await app.inject({ url: '/metrics', headers: scrape })).body;
    if (sample(text, 'db_pool_idle_connections') === sample(text, 'db_pool_connections')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const total = sample(text, 'db_pool_connections');
  const idle = sample(text, 'db_pool_idle_connections');
  t.ok(total !== undefined && total >= 1 && total <= 5, `connections open: ${total} (the test pool holds at most 5)`);
  t.equal(idle, total, 'all idle once the requests are answered');
  t.equal(sample(text, 'db_pool_waiting_queries'), 0);
});
