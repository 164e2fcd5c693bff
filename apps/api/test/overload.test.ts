import t from 'tap';
import { bearer, testApp } from './support/test-app.js';

const METRICS_TOKEN = 'metrics-token-for-the-overload-test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy, as a burst of CPU-bound work would. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

t.test('under memory pressure every request is shed with 503 problem+json and Retry-After; /healthz and /metrics still answer', async (t) => {
  // A heap bound of one byte: the process is over it from the first sample on.
  const app = await testApp(t, {
    env: { MAX_HEAP_USED_BYTES: '1', PRESSURE_SAMPLE_INTERVAL_MS: '10', METRICS_TOKEN },
  });
  await sleep(100);
  for (const url of ['/api/tasks', '/readyz', '/openapi.json']) {
    const shed = await app.inject({ url, headers: { ...bearer('alice'), origin: 'http://localhost:3000' } });
    t.equal(shed.statusCode, 503, `${url} is shed`);
    t.match(shed.headers['content-type'], /application\/problem\+json/, `${url}: problem+json`);
    t.ok(Number(shed.headers['retry-after']) > 0, `${url}: Retry-After`);
    t.match(shed.json(), { type: 'urn:todo-api:problem:overloaded', status: 503, detail: /overloaded/ });
    t.type(shed.headers['x-request-id'], 'string', `${url}: still carries its request id`);
    t.equal(shed.headers['access-control-allow-origin'], 'http://localhost:3000', `${url}: and CORS, so a browser can read it`);
  }
  t.same((await app.inject('/healthz')).json(), { status: 'ok' }, 'liveness answers: an overloaded process is alive, not dead');
  const metrics = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  t.equal(metrics.statusCode, 200, '/metrics answers, to show the overload');
  t.match(metrics.body, /http_request_duration_seconds_count\{method="GET",route="\/api\/tasks",status_code="503"\} 1/);
});

t.test('a blocked event loop trips MAX_EVENT_LOOP_DELAY_MS; the service answers normally again once it recovers', async (t) => {
  const app = await testApp(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '50', PRESSURE_SAMPLE_INTERVAL_MS: '200' } });
  const list = async () => (await app.inject({ url: '/api/tasks', headers: bearer('alice') })).statusCode;
  t.equal(await list(), 200, 'answers while the loop is idle');

  let shed = false;
  for (let attempt = 0; attempt < 10 && !shed; attempt++) {
    blockEventLoop(600);
    // The next sample sees the delay; requests until the sample after it are shed.
    await sleep(0);
    shed = (await list()) === 503;
  }
  t.ok(shed, 'shed with 503 after the event loop lagged');

  let recovered = false;
  for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
    await sleep(100);
    recovered = (await list()) === 200;
  }
  t.ok(recovered, 'answers 200 again once the delay is gone');
});

t.test('MAX_EVENT_LOOP_DELAY_MS=0 with no memory bound turns shedding off', async (t) => {
  const app = await testApp(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '0', PRESSURE_SAMPLE_INTERVAL_MS: '10' } });
  blockEventLoop(300);
  await sleep(50);
  t.equal((await app.inject({ url: '/api/tasks', headers: bearer('alice') })).statusCode, 200);
  t.notOk(app.hasDecorator('isUnderPressure'), 'the load-shedding plugin is not even registered');
});
