import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { HttpApp } from '@todo/adapters';
import { base64url, exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import t, { type Test } from 'tap';
import { startBetterAuth, type BetterAuthServer, type BetterAuthUser } from './support/better-auth-server.js';
import { TEST_SECRET, testApp } from './support/test-app.js';

/**
 * The usual catalogue of JWT attacks, against the real app, with a real Better Auth instance as the issuer
 * (EdDSA via its JWKS) and the shared secret configured too (HS256 and the cookie cache).
 */

type Headers = Record<string, string | string[]>;

const CHALLENGE = 'Bearer realm="todo-api", error="invalid_token"';
const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
const decode = (part: string) => JSON.parse(new TextDecoder().decode(base64url.decode(part))) as Record<string, unknown>;
const now = () => Math.floor(Date.now() / 1000);

async function refused(t: Test, app: HttpApp, headers: Headers, name: string, url = '/api/tasks') {
  const response = await app.inject({ url, headers });
  t.equal(response.statusCode, 401, `${name}: 401`);
  t.equal(response.headers['www-authenticate'], CHALLENGE, `${name}: invalid_token challenge`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
  t.equal(response.json<{ detail: string }>().detail, 'A valid bearer token is required.', `${name}: says nothing more`);
}

async function accepted(t: Test, app: HttpApp, headers: Headers, name: string) {
  const response = await app.inject({ url: '/api/tasks', headers });
  t.equal(response.statusCode, 200, `${name}: 200`);
}

interface Fixture {
  readonly app: HttpApp;
  readonly betterAuth: BetterAuthServer;
  readonly ada: BetterAuthUser;
  readonly bob: BetterAuthUser;
  readonly adaToken: string;
  readonly bobToken: string;
  readonly publicJwk: JWK;
}

async function fixture(t: Test, env: Record<string, string> = {}): Promise<Fixture> {
  const betterAuth = await startBetterAuth(t);
  const app = await testApp(t, { env: { BETTER_AUTH_URL: betterAuth.url, ...env } });
  const [ada, bob] = [await betterAuth.signUp('ada'), await betterAuth.signUp('bob')];
  const [adaToken, bobToken] = [await betterAuth.token(ada), await betterAuth.token(bob)];
  const jwks = (await (await fetch(`${betterAuth.url}/api/auth/jwks`)).json()) as { keys: JWK[] };
  return { app, betterAuth, ada, bob, adaToken, bobToken, publicJwk: jwks.keys[0]! };
}

/** An attacker's own Ed25519 key pair. */
async function attackerKey() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: 'attacker', alg: 'EdDSA', use: 'sig' } };
}

/** Signs whatever header and claims, with no library checks in the way. */
async function forge(privateKey: CryptoKey, header: Record<string, unknown>, claims: JWTPayload): Promise<string> {
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = await crypto.subtle.sign('Ed25519', privateKey, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

function hs256(secret: string | Uint8Array, claims: JWTPayload, header: Record<string, unknown> = {}) {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', ...header }).sign(key);
}

t.test('the attack matrix', async (t) => {
  const f = await fixture(t);
  const { app, betterAuth, ada, adaToken, bobToken, publicJwk } = f;
  const [adaHeader, adaPayload, adaSignature] = adaToken.split('.') as [string, string, string];
  const [, bobPayload, bobSignature] = bobToken.split('.') as [string, string, string];
  const adaClaims = decode(adaPayload);

  await t.test('the genuine tokens are accepted (the control)', async (t) => {
    await accepted(t, app, bearer(adaToken), 'ada');
    await accepted(t, app, bearer(bobToken), 'bob');
  });

  await t.test('alg none is refused', async (t) => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const header = encode({ ...decode(adaHeader), alg });
      await refused(t, app, bearer(`${header}.${adaPayload}.`), `${alg}, empty signature`);
      await refused(t, app, bearer(`${header}.${adaPayload}.${adaSignature}`), `${alg}, original signature`);
      await refused(t, app, bearer(`${header}.${adaPayload}`), `${alg}, two parts`);
    }
  });

  await t.test('a stripped signature is refused', async (t) => {
    await refused(t, app, bearer(`${adaHeader}.${adaPayload}.`), 'empty signature');
    await refused(t, app, bearer(`${adaHeader}.${adaPayload}`), 'no signature part');
    await refused(t, app, bearer(`${adaHeader}.${adaPayload}.${adaSignature.slice(0, 20)}`), 'truncated signature');
  });

  await t.test('header and payload swapped between tokens are refused', async (t) => {
    await refused(t, app, bearer(`${adaHeader}.${bobPayload}.${adaSignature}`), "bob's payload under ada's signature");
    await refused(t, app, bearer(`${adaHeader}.${adaPayload}.${bobSignature}`), "ada's payload under bob's signature");
    await refused(t, app, bearer(`${adaPayload}.${adaHeader}.${adaSignature}`), 'header and payload exchanged');
    const hmac = await hs256(TEST_SECRET, { sub: ada.id, exp: now() + 600 });
    const [hmacHeader, hmacPayload, hmacSignature] = hmac.split('.') as [string, string, string];
    await refused(t, app, bearer(`${hmacHeader}.${adaPayload}.${hmacSignature}`), 'an HS256 header and signature over an EdDSA payload');
    await refused(t, app, bearer(`${adaHeader}.${hmacPayload}.${adaSignature}`), 'an EdDSA header and signature over an HS256 payload');
  });

  await t.test('HMAC signed with the public key (algorithm confusion) is refused', async (t) => {
    const spki = await exportSPKI((await importJWK(publicJwk, 'EdDSA')) as CryptoKey);
    const secrets: Record<string, string | Uint8Array> = {
      'the JWK as JSON': JSON.stringify(publicJwk),
      'the PEM': spki,
      'the raw public key': base64url.decode(String(publicJwk.x)),
      'the x coordinate text': String(publicJwk.x),
    };
    for (const [name, secret] of Object.entries(secrets)) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const token = await hs256(secret, { ...adaClaims }, { alg, kid: publicJwk.kid });
        await refused(t, app, bearer(token), `${alg} keyed with ${name}`);
      }
    }
  });

  await t.test('keys named or carried by the token (jku, x5u, jwk, x5c) are never used', async (t) => {
    const attacker = await attackerKey();
    let attackerHits = 0;
    const attackerServer = createServer((_request, response) => {
      attackerHits += 1;
      response.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [attacker.publicJwk] }));
    });
    await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => attackerServer.close(() => resolve())));
    const attackerUrl = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}/jwks.json`;
    const claims = { ...adaClaims, exp: now() + 600 };
    const headers: Record<string, Record<string, unknown>> = {
      jku: { jku: attackerUrl },
      x5u: { x5u: attackerUrl },
      'embedded jwk': { jwk: attacker.publicJwk },
      x5c: { x5c: ['MIIBLjCB4aADAgECAhQ'] },
      'jwk with the real kid': { jwk: attacker.publicJwk, kid: publicJwk.kid },
    };
    for (const [name, extra] of Object.entries(headers)) {
      const token = await forge(attacker.privateKey, { alg: 'EdDSA', kid: attacker.publicJwk.kid, ...extra }, claims);
      await refused(t, app, bearer(token), name);
    }
    t.equal(attackerHits, 0, 'the URLs in the tokens were never fetched');
  });

  await t.test('kid path traversal and SQL strings are only unknown kids', async (t) => {
    const attacker = await attackerKey();
    const kids = [
      '../../../../../../dev/null',
      '/etc/passwd',
      '..\\..\\..\\windows\\win.ini',
      "' OR '1'='1",
      '1; DROP TABLE tasks; --',
      "x' UNION SELECT 'secret' --",
      '%2e%2e%2f%2e%2e%2f',
      'kid\u0000null',
      '${jndi:ldap://127.0.0.1/a}',
      '__proto__',
      'constructor',
    ];
    for (const kid of kids) {
      const token = await forge(attacker.privateKey, { alg: 'EdDSA', kid }, { ...adaClaims, exp: now() + 600 });
      await refused(t, app, bearer(token), `kid ${JSON.stringify(kid)}`);
      const hmac = await hs256(attacker.publicJwk.x!, { ...adaClaims }, { kid });
      await refused(t, app, bearer(hmac), `HS256 with kid ${JSON.stringify(kid)}`);
    }
    await accepted(t, app, bearer(adaToken), 'the API still answers the genuine token');
  });

  await t.test('a token over 8 KB is refused, even well signed', async (t) => {
    const big = await betterAuth.signJwt({ sub: ada.id, padding: 'x'.repeat(8 * 1024) });
    t.ok(big.length > 8 * 1024, `Better Auth signed ${big.length} characters`);
    await refused(t, app, bearer(big), 'well signed, over 8 KB');
    await refused(t, app, bearer(`${adaHeader}.${'A'.repeat(9000)}.${adaSignature}`), 'garbage over 8 KB');
    const almost = await betterAuth.signJwt({ sub: ada.id, padding: 'x'.repeat(4 * 1024) });
    await accepted(t, app, bearer(almost), 'well signed, under 8 KB');
  });

  await t.test('duplicate Authorization headers are refused', async (t) => {
    await refused(t, app, { Authorization: [`Bearer ${adaToken}`, `Bearer ${adaToken}`] }, 'the same token twice');
    await refused(t, app, { Authorization: [`Bearer ${adaToken}`, `Bearer ${bobToken}`] }, 'two users');
    await refused(t, app, { Authorization: ['Bearer forged', `Bearer ${adaToken}`] }, 'a bad one first');
  });

  await t.test('the scheme is case-insensitive: lowercase bearer is accepted', async (t) => {
    await accepted(t, app, { authorization: `bearer ${adaToken}` }, 'bearer');
    await accepted(t, app, { authorization: `BEARER ${adaToken}` }, 'BEARER');
    await refused(t, app, { authorization: `Basic ${adaToken}` }, 'Basic');
    await refused(t, app, { authorization: `Token ${adaToken}` }, 'Token');
  });

  await t.test('a token in the query string or a cookie is not accepted', async (t) => {
    const noToken = async (url: string, headers: Headers, name: string) => {
      const response = await app.inject({ url, headers });
      t.equal(response.statusCode, 401, name);
      t.equal(response.headers['www-authenticate'], 'Bearer realm="todo-api"', `${name}: as if no credentials`);
    };
    await noToken(`/api/tasks?access_token=${adaToken}`, {}, 'access_token');
    await noToken(`/api/tasks?token=${adaToken}`, {}, 'token');
    await noToken('/api/tasks', { cookie: `better-auth.session_data=${ada.cookieCacheJwt}` }, 'the cookie-cache cookie');
  });

  await t.test('exp, nbf, iss and aud are enforced on Better Auth tokens', async (t) => {
    await refused(t, app, bearer(await betterAuth.signJwt({ sub: ada.id, exp: now() - 120 })), 'exp past beyond the skew');
    await accepted(t, app, bearer(await betterAuth.signJwt({ sub: ada.id, exp: now() - 5 })), 'exp past within the 30 s skew');
    await refused(t, app, bearer(await betterAuth.signJwt({ sub: ada.id, nbf: now() + 3600 })), 'nbf an hour ahead');
    await accepted(t, app, bearer(await betterAuth.signJwt({ sub: ada.id, nbf: now() + 5 })), 'nbf within the skew');
    await refused(t, app, bearer(await betterAuth.signJwt({ sub: ada.id, iss: 'https://evil.example.com' })), 'another iss');
    await refused(t, app, bearer(await betterAuth.signJwt({ sub: ada.id, aud: 'https://evil.example.com' })), 'another aud');
    await refused(t, app, bearer(await betterAuth.signJwt({ sub: ada.id, aud: 'better-auth:session-cache' })), 'the session-cache aud, untyped');
    await refused(t, app, bearer(await betterAuth.signJwt({ sub: '' })), 'empty sub');
    await refused(t, app, bearer(await betterAuth.signJwt({ sub: 'u'.repeat(256) })), 'sub of 256 characters');
  });

  await t.test('exp, nbf, iss and aud are enforced on HS256 tokens', async (t) => {
    await refused(t, app, bearer(await hs256(TEST_SECRET, { sub: ada.id })), 'no exp');
    await refused(t, app, bearer(await hs256(TEST_SECRET, { sub: ada.id, exp: now() - 120 })), 'exp past');
    await refused(t, app, bearer(await hs256(TEST_SECRET, { sub: ada.id, exp: now() + 600, nbf: now() + 3600 })), 'nbf ahead');
    await refused(t, app, bearer(await hs256(TEST_SECRET, { sub: ada.id, exp: now() + 600, iss: 'https://evil.example.com' })), 'another iss');
    await refused(t, app, bearer(await hs256(TEST_SECRET, { sub: ada.id, exp: now() + 600, aud: 'https://evil.example.com' })), 'another aud');
    await refused(t, app, bearer(await hs256(TEST_SECRET, { exp: now() + 600 })), 'no sub');
    await accepted(t, app, bearer(await hs256(TEST_SECRET, { sub: ada.id, exp: now() + 600, iss: betterAuth.url, aud: betterAuth.url })), 'our iss and aud');
  });
});

t.test('duplicate Authorization headers on a real socket are refused', async (t) => {
  const { app, adaToken } = await fixture(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const raw = async (authorizations: string[]) => {
    const lines = ['GET /api/tasks HTTP/1.1', `Host: 127.0.0.1:${port}`, ...authorizations.map((value) => `Authorization: ${value}`), 'Connection: close', '', ''];
    // Written without half-closing: the server answers, then closes (Connection: close).
    const socket = connect(port, '127.0.0.1');
    socket.write(lines.join('\r\n'));
    let answer = '';
    for await (const chunk of socket) answer += String(chunk);
    return answer;
  };
  t.match(await raw([`Bearer ${adaToken}`]), /^HTTP\/1\.1 200/, 'one header: 200');
  const twice = await raw([`Bearer ${adaToken}`, `Bearer ${adaToken}`]);
  t.match(twice, /^HTTP\/1\.1 401/, 'two headers: 401');
  t.match(twice, /www-authenticate: Bearer realm="todo-api", error="invalid_token"/i);
});

t.test('tokens stay accepted while the JWKS endpoint is down, once its keys are cached', async (t) => {
  // Max age 0: every request wants fresh keys, so every one of them meets the failing endpoint.
  const { app, betterAuth, adaToken, bobToken } = await fixture(t, { JWKS_CACHE_MAX_AGE_SECONDS: '0', JWKS_REFETCH_COOLDOWN_SECONDS: '0' });
  await accepted(t, app, bearer(adaToken), 'keys cached');
  betterAuth.setJwksDown(true);
  const before = betterAuth.jwksRequests;
  for (let i = 0; i < 5; i += 1) {
    await accepted(t, app, bearer(adaToken), `endpoint answering 503, request ${i + 1}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.ok(betterAuth.jwksRequests > before, 'the endpoint was asked, and failed');
  await betterAuth.stop();
  for (let i = 0; i < 5; i += 1) await accepted(t, app, bearer(bobToken), `endpoint gone, request ${i + 1}`);
});

t.test('a flood of unknown kids makes at most one JWKS fetch per cooldown', async (t) => {
  const { app, betterAuth, adaToken, ada } = await fixture(t, { JWKS_REFETCH_COOLDOWN_SECONDS: '60' });
  await accepted(t, app, bearer(adaToken), 'keys cached');
  const before = betterAuth.jwksRequests;
  const attacker = await attackerKey();
  const tokens = await Promise.all(
    Array.from({ length: 200 }, () => forge(attacker.privateKey, { alg: 'EdDSA', kid: randomUUID() }, { sub: ada.id, exp: now() + 600 })),
  );
  const statuses = await Promise.all(tokens.map(async (token) => (await app.inject({ url: '/api/tasks', headers: bearer(token) })).statusCode));
  t.ok(statuses.every((status) => status === 401), '200 made-up kids: all refused');
  t.ok(betterAuth.jwksRequests - before <= 1, `${betterAuth.jwksRequests - before} JWKS fetch(es) for 200 unknown kids`);
  await accepted(t, app, bearer(adaToken), 'the genuine token still works');
});
