import t from 'tap';
import { bearer, testApp } from './support/test-app.js';

/** One Content-Security-Policy as a map of directive → sources. */
function directives(policy: unknown): Map<string, string[]> {
  return new Map(
    String(policy)
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

t.test('every kind of response carries the security headers of a JSON API, and no X-Powered-By', async (t) => {
  const app = await testApp(t);
  const responses = {
    'a task list': await app.inject({ url: '/api/tasks', headers: bearer('alice') }),
    'a 401': await app.inject({ url: '/api/tasks' }),
    'a 404': await app.inject('/nope'),
    'a 422': await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer('alice'), payload: { title: '' } }),
    'the health probe': await app.inject('/healthz'),
    'the OpenAPI document': await app.inject('/openapi.json'),
  };
  for (const [what, response] of Object.entries(responses)) {
    t.equal(response.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
    t.equal(response.headers['x-frame-options'], 'DENY', `${what}: no framing`);
    const policy = directives(response.headers['content-security-policy']);
    t.same(policy.get('default-src'), ["'none'"], `${what}: the policy allows loading nothing`);
    t.same(policy.get('frame-ancestors'), ["'none'"], `${what}: frame-ancestors 'none'`);
    t.equal(response.headers['referrer-policy'], 'no-referrer', `${what}: referrer-policy`);
    t.equal(response.headers['x-powered-by'], undefined, `${what}: no X-Powered-By`);
    t.equal(response.headers['strict-transport-security'], undefined, `${what}: no HSTS outside production`);
  }
});

t.test('Strict-Transport-Security is sent in production only', async (t) => {
  const production = await testApp(t, { env: { NODE_ENV: 'production' } });
  t.equal((await production.inject('/healthz')).headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  t.equal(
    (await production.inject({ url: '/api/tasks', headers: bearer('alice') })).headers['strict-transport-security'],
    'max-age=31536000; includeSubDomains',
  );
});

t.test('/docs has a policy of its own that lets Swagger UI load its scripts, styles and document, and nothing else', async (t) => {
  const app = await testApp(t);
  const page = await app.inject('/docs/');
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  const policy = directives(page.headers['content-security-policy']);
  t.same(policy.get('script-src'), ["'self'"], 'scripts from this origin only');
  t.same(policy.get('style-src'), ["'self'", "'unsafe-inline'"], 'styles from this origin, and the inline ones Swagger UI applies');
  t.ok(policy.get('connect-src')?.includes("'self'"), 'the page may fetch the document from this origin');
  t.same(policy.get('frame-ancestors'), ["'none'"], 'the docs cannot be framed either');
  t.equal(page.headers['x-frame-options'], 'DENY');

  t.notMatch(page.body, /<script(?![^>]*\ssrc=)[^>]*>/, 'no inline script, which script-src would block');
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  t.ok(assets.some((asset) => asset.endsWith('swagger-ui-bundle.js')), 'the page loads the Swagger UI bundle');
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} comes from this origin`);
    const response = await app.inject(new URL(asset, 'http://localhost/docs/').pathname);
    t.equal(response.statusCode, 200, `${asset} loads`);
    const expected = asset.endsWith('.js') ? /javascript/ : asset.endsWith('.css') ? /text\/css/ : /image\//;
    t.match(response.headers['content-type'], expected, `${asset} has the type a browser executes or applies`);
    t.equal(response.headers['x-content-type-options'], 'nosniff');
  }
  const initializer = await app.inject('/docs/static/swagger-initializer.js');
  t.match(initializer.body, /validatorUrl"?\s*:\s*null/, 'no validator badge from validator.swagger.io, which img-src would block');
  const document = await app.inject('/docs/json');
  t.equal(document.statusCode, 200, 'the document the page fetches (connect-src self)');
});
