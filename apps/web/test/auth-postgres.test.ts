import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { ensureWebBuild, freePort, startWeb } from './support/servers.js';

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'];

/** TEST_DATABASE_URL with a search_path of its own: Better Auth's unqualified table names land in `schema`. */
function urlInSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.href;
}

t.test(
  "with AUTH_DATABASE_URL, Better Auth's tables are created in PostgreSQL at start, and sign-up and tokens work",
  { skip: TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set' },
  async (t) => {
    await ensureWebBuild();
    const schema = `web_auth_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    t.teardown(async () => {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    });

    const port = await freePort();
    const web = await startWeb(t, { port, apiUrl: 'http://127.0.0.1:9', env: { AUTH_DATABASE_URL: urlInSchema(TEST_DATABASE_URL!, schema) } });
    const tables = await admin.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [schema],
    );
    t.strictSame(
      tables.rows.map((row) => row.table_name),
      ['account', 'jwks', 'session', 'user', 'verification'],
      'migrated when the server started',
    );

    const email = `pg-${Date.now()}@example.com`;
    const signUp = await fetch(`${web.origin}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: web.origin },
      body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Postgres' }),
    });
    t.equal(signUp.status, 200);
    const cookie = signUp.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const token = await fetch(`${web.origin}/api/auth/token`, { headers: { cookie } });
    t.match(((await token.json()) as { token: string }).token, /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/, 'a jwt() token');
    const users = await admin.query<{ email: string }>(`select email from ${schema}."user"`);
    t.strictSame(users.rows, [{ email }], 'the user is stored in PostgreSQL');
    const keys = await admin.query(`select 1 from ${schema}.jwks`);
    t.equal(keys.rowCount, 1, 'the signing key too');
  },
);
