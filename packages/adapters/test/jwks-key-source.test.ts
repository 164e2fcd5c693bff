import { randomUUID } from 'node:crypto';
import { generateSecret, exportJWK, generateKeyPair } from 'jose';
import t from 'tap';
import { JwksKeySource, type JwksKeySourceOptions } from '../src/auth/jwks-key-source.js';
import { FakeJwksEndpoint, ManualClock, settle, signingKey } from './support/jwks-fixtures.js';

const COOLDOWN = 30_000;
const MAX_AGE = 600_000;

function keySource(endpoint: FakeJwksEndpoint, clock: ManualClock, options: Partial<JwksKeySourceOptions> = {}) {
  const errors: Error[] = [];
  const source = new JwksKeySource({
    url: 'https://auth.example.com/api/auth/jwks',
    timeoutMs: 1000,
    cooldownMs: COOLDOWN,
    maxAgeMs: MAX_AGE,
    fetch: endpoint.fetch,
    now: clock.now,
    onFetchError: (error) => errors.push(error),
    ...options,
  });
  return { source, errors };
}

t.test('nothing is fetched until a token needs a key', async (t) => {
  const key = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([key]);
  const { source } = keySource(endpoint, new ManualClock());
  t.equal(endpoint.requests, 0, 'constructing fetches nothing');
  const lookup = await source.keyFor(key.kid, 'EdDSA');
  t.ok(lookup.ok, 'the key is found');
  t.equal(endpoint.requests, 1);
});

t.test('concurrent lookups share one fetch', async (t) => {
  const key = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([key]);
  const { source } = keySource(endpoint, new ManualClock());
  const lookups = await Promise.all(Array.from({ length: 25 }, () => source.keyFor(key.kid, 'EdDSA')));
  t.ok(lookups.every((lookup) => lookup.ok));
  t.equal(endpoint.requests, 1);
});

t.test('a known kid is answered from the cache', async (t) => {
  const key = await signingKey('ES256');
  const endpoint = new FakeJwksEndpoint([key]);
  const clock = new ManualClock();
  const { source } = keySource(endpoint, clock);
  for (let i = 0; i < 10; i += 1) {
    t.ok((await source.keyFor(key.kid, 'ES256')).ok);
    clock.advance(1000);
  }
  t.equal(endpoint.requests, 1);
});

t.test('a rotated-in key is picked up by refetching for its unknown kid, once the cooldown allows', async (t) => {
  const old = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([old]);
  const clock = new ManualClock();
  const { source } = keySource(endpoint, clock);
  t.ok((await source.keyFor(old.kid, 'EdDSA')).ok);

  clock.advance(COOLDOWN);
  const rotated = await signingKey('EdDSA');
  endpoint.publish(rotated);
  t.ok((await source.keyFor(rotated.kid, 'EdDSA')).ok, 'the new key is found');
  t.equal(endpoint.requests, 2, 'by one more fetch');
  t.ok((await source.keyFor(old.kid, 'EdDSA')).ok, 'the old key (still published) keeps working');
  t.equal(endpoint.requests, 2);
});

t.test('within the cooldown an unknown kid is refused without a fetch', async (t) => {
  const key = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([key]);
  const clock = new ManualClock();
  const { source } = keySource(endpoint, clock);
  await source.keyFor(key.kid, 'EdDSA');
  const rotated = await signingKey('EdDSA');
  endpoint.publish(rotated);
  clock.advance(COOLDOWN - 1);
  const lookup = await source.keyFor(rotated.kid, 'EdDSA');
  t.notOk(lookup.ok);
  t.match(lookup, { reason: /unknown kid/ });
  t.equal(endpoint.requests, 1, 'no fetch');
  clock.advance(1);
  t.ok((await source.keyFor(rotated.kid, 'EdDSA')).ok, 'found once the cooldown has passed');
  t.equal(endpoint.requests, 2);
});

t.test('a flood of unknown kids costs at most one fetch per cooldown', async (t) => {
  const key = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([key]);
  const clock = new ManualClock();
  const { source } = keySource(endpoint, clock);
  await source.keyFor(key.kid, 'EdDSA');
  clock.advance(COOLDOWN);

  const sequential = [];
  for (let i = 0; i < 500; i += 1) sequential.push(await source.keyFor(randomUUID(), 'EdDSA'));
  const parallel = await Promise.all(Array.from({ length: 500 }, () => source.keyFor(randomUUID(), 'EdDSA')));
  t.ok([...sequential, ...parallel].every((lookup) => !lookup.ok), 'every made-up kid is refused');
  t.equal(endpoint.requests, 2, 'one fetch for 1000 made-up kids');

  clock.advance(COOLDOWN);
  await Promise.all(Array.from({ length: 500 }, () => source.keyFor(randomUUID(), 'EdDSA')));
  t.equal(endpoint.requests, 3, 'and one more in the next interval');
});

t.test('cached keys stay in use while the endpoint is down', async (t) => {
  const key = await signingKey('RS256');
  const endpoint = new FakeJwksEndpoint([key]);
  const clock = new ManualClock();
  const { source, errors } = keySource(endpoint, clock);
  t.ok((await source.keyFor(key.kid, 'RS256')).ok);

  for (const mode of ['down', 'unreachable', 'not-json', 'no-keys'] as const) {
    endpoint.mode = mode;
    clock.advance(MAX_AGE);
    t.ok((await source.keyFor(key.kid, 'RS256')).ok, `still accepted while the endpoint is ${mode}`);
    await settle();
    clock.advance(COOLDOWN);
    t.ok((await source.keyFor(randomUUID(), 'RS256')).ok === false, `an unknown kid is refused while ${mode}`);
    t.ok((await source.keyFor(key.kid, 'RS256')).ok, `the cached key is still accepted after a failed refetch (${mode})`);
  }
  t.equal(errors.length, 8, 'each failed fetch is reported');
  t.match(errors.map((error) => error.message), [/answered 503/, /answered 503/, /ECONNREFUSED/, /ECONNREFUSED/, /unreadable/, /unreadable/, /no "keys"/, /no "keys"/]);
});

t.test('with nothing cached and the endpoint down, lookups fail and retry only after the cooldown', async (t) => {
  const key = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([key]);
  endpoint.mode = 'down';
  const clock = new ManualClock();
  const { source } = keySource(endpoint, clock);
  const first = await source.keyFor(key.kid, 'EdDSA');
  t.match(first, { ok: false, reason: /JWKS unavailable.*503/ });
  for (let i = 0; i < 50; i += 1) t.notOk((await source.keyFor(key.kid, 'EdDSA')).ok);
  t.equal(endpoint.requests, 1, 'the down endpoint is asked once per cooldown');
  endpoint.mode = 'up';
  clock.advance(COOLDOWN);
  t.ok((await source.keyFor(key.kid, 'EdDSA')).ok, 'recovered after the cooldown');
  t.equal(endpoint.requests, 2);
});

t.test('a fetch with no answer is abandoned after the timeout', async (t) => {
  const key = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([key]);
  endpoint.mode = 'silent';
  const { source, errors } = keySource(endpoint, new ManualClock(), { timeoutMs: 100 });
  // AbortSignal.timeout's timer does not keep a process alive (a server does): this one does, for the test.
  const keepAlive = setTimeout(() => {}, 5000);
  t.teardown(() => clearTimeout(keepAlive));
  const started = performance.now();
  const lookup = await source.keyFor(key.kid, 'EdDSA');
  const elapsed = performance.now() - started;
  t.match(lookup, { ok: false, reason: /no answer within 100 ms/ });
  t.ok(elapsed >= 90 && elapsed < 2000, `gave up after ${Math.round(elapsed)} ms`);
  t.equal(errors.length, 1);
});

t.test('after the max age the keys are refreshed in the background, and a withdrawn key stops working', async (t) => {
  const withdrawn = await signingKey('EdDSA');
  const kept = await signingKey('EdDSA');
  const endpoint = new FakeJwksEndpoint([withdrawn, kept]);
  const clock = new ManualClock();
  const { source } = keySource(endpoint, clock);
  t.ok((await source.keyFor(withdrawn.kid, 'EdDSA')).ok);

  endpoint.withdraw(withdrawn);
  clock.advance(MAX_AGE - 1);
  t.ok((await source.keyFor(withdrawn.kid, 'EdDSA')).ok, 'younger than the max age: cached');
  t.equal(endpoint.requests, 1);
  clock.advance(1);
  t.ok((await source.keyFor(withdrawn.kid, 'EdDSA')).ok, 'the stale cache answers while the refresh runs');
  await settle();
  t.equal(endpoint.requests, 2, 'one background refresh');
  t.match(await source.keyFor(withdrawn.kid, 'EdDSA'), { ok: false, reason: /unknown kid/ }, 'the withdrawn key is gone');
  t.ok((await source.keyFor(kept.kid, 'EdDSA')).ok, 'the kept key still works');
});

t.test('only public signature keys of a supported type are taken, each pinned to the algorithms of its type', async (t) => {
  const ed = await signingKey('EdDSA');
  const p256 = await signingKey('ES256');
  const p521 = await signingKey('ES512');
  const rsaDeclared = await signingKey('RS256');
  const rsaUndeclared = await signingKey('PS256');
  const { alg: _dropped, ...rsaWithoutAlg } = rsaUndeclared.publicJwk;
  const secret = await exportJWK(await generateSecret('HS256', { extractable: true }));
  const { privateKey: edPrivate } = await generateKeyPair('EdDSA', { extractable: true });
  const edPrivateJwk = { ...(await exportJWK(edPrivate)), kid: 'published-private', alg: 'EdDSA' };
  const endpoint = new FakeJwksEndpoint([
    ed,
    p256,
    p521,
    rsaDeclared,
    { ...rsaWithoutAlg, kid: rsaUndeclared.kid },
    { ...secret, kid: 'symmetric', alg: 'HS256' },
    { ...ed.publicJwk, kid: 'encryption', use: 'enc' },
    { ...p256.publicJwk, kid: 'mislabelled', alg: 'RS256' },
    { kty: 'EC', crv: 'secp256k1', x: 'x', y: 'y', kid: 'k1' },
    edPrivateJwk,
    'not an object',
  ]);
  const { source } = keySource(endpoint, new ManualClock(), { cooldownMs: 60 * 60_000 });

  const accepts = async (kid: string, alg: string) => (await source.keyFor(kid, alg)).ok;
  t.ok(await accepts(ed.kid, 'EdDSA'), 'Ed25519 key: EdDSA');
  t.ok(await accepts(ed.kid, 'Ed25519'), 'Ed25519 key: its fully-specified name');
  t.notOk(await accepts(ed.kid, 'ES256'), 'Ed25519 key: not ES256');
  t.ok(await accepts(p256.kid, 'ES256'), 'P-256 key: ES256');
  t.notOk(await accepts(p256.kid, 'ES512'), 'P-256 key: not ES512');
  t.ok(await accepts(p521.kid, 'ES512'), 'P-521 key: ES512');
  t.ok(await accepts(rsaDeclared.kid, 'RS256'), 'RSA key declared RS256: RS256');
  t.notOk(await accepts(rsaDeclared.kid, 'PS256'), 'RSA key declared RS256: not PS256');
  t.ok(await accepts(rsaUndeclared.kid, 'RS256'), 'RSA key without alg: RS256');
  t.ok(await accepts(rsaUndeclared.kid, 'PS256'), 'RSA key without alg: PS256');
  t.notOk(await accepts(rsaDeclared.kid, 'HS256'), 'RSA key: never HMAC');
  t.notOk(await accepts('symmetric', 'HS256'), 'a symmetric key in a JWKS is ignored');
  t.notOk(await accepts('encryption', 'EdDSA'), 'an encryption key is ignored');
  t.notOk(await accepts('mislabelled', 'ES256'), 'a key whose alg does not fit its type is ignored');
  t.notOk(await accepts('k1', 'ES256'), 'an unsupported curve is ignored');
  const fromPrivate = await source.keyFor('published-private', 'EdDSA');
  t.ok(fromPrivate.ok, 'a key published with its private part is taken…');
  t.equal(fromPrivate.ok && fromPrivate.key.type, 'public', '…as its public part only');
  t.equal(endpoint.requests, 1);
});

t.test('a token without kid uses the only key for its algorithm, and none when several could match', async (t) => {
  const ed = await signingKey('EdDSA');
  const es = await signingKey('ES256');
  const endpoint = new FakeJwksEndpoint([ed, es]);
  const { source } = keySource(endpoint, new ManualClock());
  t.ok((await source.keyFor(undefined, 'EdDSA')).ok, 'one EdDSA key: used');
  endpoint.publish(await signingKey('EdDSA'));
  const { source: fresh } = keySource(endpoint, new ManualClock());
  t.match(await fresh.keyFor(undefined, 'EdDSA'), { ok: false, reason: /not exactly one EdDSA key/ }, 'two EdDSA keys: refused');
});
