import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { toNodeHandler } from 'better-auth/node';
import { jwt } from 'better-auth/plugins';
import type { Test } from 'tap';
import { TEST_SECRET } from './test-app.js';

/** The algorithms Better Auth's jwt() plugin can be configured to (better-auth 1.7 `JWKOptions`). */
export type BetterAuthAlgorithm = 'EdDSA' | 'ES256' | 'ES512' | 'RS256' | 'PS256';

export interface BetterAuthServerOptions {
  readonly alg?: BetterAuthAlgorithm;
  /** BETTER_AUTH_SECRET of this instance (it signs the cookie-cache JWT with it). */
  readonly secret?: string;
  /** The base URL the instance believes it has (its tokens' iss and aud); by default where it listens. */
  readonly baseURL?: string;
  /** `jwt({ sessionCookieCache: true })`: the cookie cache is signed with the JWKS key instead of the secret. */
  readonly jwksSignedCookieCache?: boolean;
}

export interface BetterAuthUser {
  readonly id: string;
  readonly email: string;
  /** The session cookies, as a browser would send them back. */
  readonly cookie: string;
  /** The `better-auth.session_data` cookie: the cookie-cache JWT. */
  readonly cookieCacheJwt: string;
}

interface JwksRow {
  id: string;
  expiresAt?: Date;
}

/** How long Better Auth keeps publishing an expired key (better-auth 1.7 default `jwks.gracePeriod`). */
const DEFAULT_GRACE_PERIOD_MS = 30 * 24 * 3600 * 1000;

function cookiePairs(setCookies: readonly string[]): Map<string, string> {
  return new Map(
    setCookies.map((line) => {
      const pair = line.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
}

/**
 * The real better-auth package, in-process, with email and password sign-in, the jwt() plugin and the cookie cache
 * as JWT, on an in-memory database, served on a loopback port. Stopped when the test ends.
 */
export async function startBetterAuth(t: Test, options: BetterAuthServerOptions = {}) {
  let jwksRequests = 0;
  let jwksDown = false;
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/api/auth/jwks')) {
      jwksRequests += 1;
      if (jwksDown) {
        response.writeHead(503).end();
        return;
      }
    }
    // `handle` is set below, before the first request can arrive (Better Auth needs the port for its base URL).
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.teardown(stop);

  const db: Record<string, unknown[]> = { user: [], session: [], account: [], verification: [], jwks: [] };
  const auth = betterAuth({
    baseURL: options.baseURL ?? url,
    secret: options.secret ?? TEST_SECRET,
    database: memoryAdapter(db),
    emailAndPassword: { enabled: true },
    session: { cookieCache: { enabled: true, strategy: 'jwt', maxAge: 300 } },
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [
      jwt({
        jwks: { keyPairConfig: { alg: options.alg ?? 'EdDSA' } },
        ...(options.jwksSignedCookieCache ? { sessionCookieCache: true } : {}),
      }),
    ],
  });
  const handle = toNodeHandler(auth);
  let users = 0;

  return {
    url,
    get jwksRequests() {
      return jwksRequests;
    },
    /** The JWKS endpoint answers 503 while down. */
    setJwksDown(down: boolean) {
      jwksDown = down;
    },
    /** Stops the whole instance: connections are refused from now on. */
    stop,

    async signUp(name = `user-${(users += 1)}`): Promise<BetterAuthUser> {
      const email = `${name}-${Math.random().toString(36).slice(2)}@example.com`;
      const response = await fetch(`${url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: new URL(options.baseURL ?? url).origin },
        body: JSON.stringify({ email, password: 'correct horse battery staple', name }),
      });
      if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
      const { user } = (await response.json()) as { user: { id: string } };
      const cookies = cookiePairs(response.headers.getSetCookie());
      const cookieCacheJwt = cookies.get('better-auth.session_data');
      if (cookieCacheJwt === undefined) throw new Error('no cookie cache after sign-up');
      const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      return { id: user.id, email, cookie, cookieCacheJwt };
    },

    /** What `authClient.token()` fetches: `GET /api/auth/token` with the session cookie. */
    async token(user: BetterAuthUser): Promise<string> {
      const response = await fetch(`${url}/api/auth/token`, { headers: { cookie: user.cookie } });
      if (!response.ok) throw new Error(`token failed: ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    },

    /** The `set-auth-jwt` header that `GET /api/auth/get-session` carries. */
    async headerToken(user: BetterAuthUser): Promise<string> {
      const response = await fetch(`${url}/api/auth/get-session`, { headers: { cookie: user.cookie } });
      const token = response.headers.get('set-auth-jwt');
      if (token === null) throw new Error(`no set-auth-jwt header (${response.status})`);
      return token;
    },

    /** `auth.api.getSession()`, as a Next.js route handler calls it. */
    async session(user: BetterAuthUser) {
      const session = await auth.api.getSession({ headers: new Headers({ cookie: user.cookie }) });
      if (session === null) throw new Error('no session');
      return session;
    },

    /** Better Auth's server-side signJWT with the instance's current key (for claims a client cannot choose). */
    async signJwt(payload: Record<string, unknown>): Promise<string> {
      return (await auth.api.signJWT({ body: { payload } })).token;
    },

    /** Expires every key: the next token is signed with a new one; the old keys stay published for the grace period. */
    rotateKeys() {
      const now = Date.now();
      for (const row of db['jwks'] as JwksRow[]) {
        if (row.expiresAt === undefined || row.expiresAt.getTime() > now) row.expiresAt = new Date(now - 1000);
      }
    },

    /** Moves every expired key past the grace period: Better Auth stops publishing it. */
    endGracePeriod() {
      for (const row of db['jwks'] as JwksRow[]) {
        if (row.expiresAt !== undefined) row.expiresAt = new Date(Date.now() - DEFAULT_GRACE_PERIOD_MS - 60_000);
      }
    },
  };
}

export type BetterAuthServer = Awaited<ReturnType<typeof startBetterAuth>>;
