import { connect } from 'node:net';
import type { HttpApp } from '@todo/adapters';
import { createTask, parseTaskChanges, parseUserId, textFault, userId } from '@todo/domain';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { skipWithoutPostgres } from '../../../packages/adapters/test/support/databases.js';
import { anyText } from '../../../packages/domain/test/support/any-text.js';
import { holdsAsync } from '../../../packages/domain/test/support/properties.js';
import { bearer, testApp, tokenFor, type Store } from './support/test-app.js';

/**
 * Issue 7, "every string": any string JSON can carry, in any field, parameter, header or token claim, is either
 * stored and read back unchanged or refused with a 4xx naming it; never a 5xx. Properties run on the real HTTP
 * app over PGlite and PostgreSQL (whose `text` refuses U+0000 and whose drivers turn unpaired surrogates into
 * U+FFFD), with a bounded number of runs.
 */

const RUNS = 30;

interface TaskBody {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  tags: string[];
}
interface ProblemBody {
  detail: string;
  errors?: { field: string; message: string }[];
}
interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json: <T>() => T;
}

let users = 0;
const freshUser = () => `strings-${process.pid}-${++users}`;

/**
 * Percent-encodes like encodeURIComponent, except that an unpaired surrogate (which encodeURIComponent refuses)
 * is written as the three bytes a careless client would send (WTF-8, `%ED%A0%80`): the server must cope with both.
 */
function percentEncode(text: string): string {
  let encoded = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    encoded +=
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('')
        : encodeURIComponent(character);
  }
  return encoded;
}

/** Percent-encoded, such a string is not UTF-8 (see percentEncode). */
const hasUnpairedSurrogate = (text: string) => /\p{Cs}/u.test(text);

const fieldsOf = (response: Answer) => (response.json<ProblemBody>().errors ?? []).map((error) => error.field);

/** A 4xx problem whose `errors` name only fields `allowed` accepts, with a detail to show. */
function isNamedRefusal(response: Answer, status: number, allowed: (field: string) => boolean): boolean {
  if (response.statusCode !== status) return false;
  const body = response.json<ProblemBody>();
  return typeof body.detail === 'string' && body.detail.length > 0 && fieldsOf(response).length > 0 && fieldsOf(response).every(allowed);
}

const describeAnswer = (response: Answer) => `${response.statusCode} ${response.body.slice(0, 300)}`;

/** Fails the run with the answer in the report: fast-check shows the thrown message beside the counterexample. */
function expect(condition: boolean, response: Answer, what: string): void {
  if (!condition) throw new Error(`${what}: got ${describeAnswer(response)}`);
}

const isTaskField = (field: string) => /^(title|description|tags(\.\d+)?)$/.test(field);

function stringProperties(store: Store) {
  return async (t: Test) => {
    const app = await testApp(t, { store });
    const draft = fc.record(
      {
        title: anyText(),
        description: fc.option(anyText({ maxPieces: 20 }), { nil: null }),
        tags: fc.array(anyText({ maxPieces: 6 }), { maxLength: 3 }),
      },
      { requiredKeys: ['title'] },
    );

    t.test('a create stores title, description and tags as the domain reads them, or is a 422 naming the field', async (t) => {
      const user = freshUser();
      await holdsAsync(
        t,
        fc.asyncProperty(draft, async (fields) => {
          const created = await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer(user), payload: fields });
          const expected = createTask(userId(user), fields, new Date());
          if (!expected.ok) {
            expect(isNamedRefusal(created, 422, isTaskField), created, 'a 422 naming title, description or tags');
            const faulty = [
              ...(textFault(fields.title) === null ? [] : ['title']),
              ...(fields.description != null && textFault(fields.description) !== null ? ['description'] : []),
              ...(fields.tags ?? []).flatMap((tag, index) => (textFault(tag) === null ? [] : [`tags.${index}`])),
            ];
            expect(faulty.every((field) => fieldsOf(created).includes(field)), created, `names every faulty field (${faulty.join(', ')})`);
            return;
          }
          expect(created.statusCode === 201, created, '201');
          const task = created.json<TaskBody>();
          expect(
            task.title === expected.value.title &&
              task.title === fields.title.trim() &&
              task.description === (fields.description ?? null) &&
              JSON.stringify(task.tags) === JSON.stringify(expected.value.tags),
            created,
            'the task as sent (title trimmed, tags as parseTags reads them)',
          );
          const read = await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: bearer(user) });
          expect(read.body === created.body, read, 'reads back identical');
          for (const tag of task.tags) {
            const found = await app.inject({ method: 'GET', url: `/api/tasks?tag=${percentEncode(tag)}&limit=200`, headers: bearer(user) });
            expect(found.statusCode === 200 && found.json<TaskBody[]>().some((other) => other.id === task.id), found, `tag=${JSON.stringify(tag)} finds it`);
          }
        }),
        { numRuns: RUNS },
      );
    });

    t.test('PATCH and PUT change exactly what they name, or are a 422 naming it and change nothing', async (t) => {
      const user = freshUser();
      const task = (await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer(user), payload: { title: 'Start' } })).json<TaskBody>();
      const url = `/api/tasks/${task.id}`;
      await holdsAsync(
        t,
        fc.asyncProperty(
          fc.constantFrom('PATCH' as const, 'PUT' as const),
          fc.record({ title: anyText(), description: fc.option(anyText({ maxPieces: 20 }), { nil: null }) }, { requiredKeys: [] }),
          async (method, changes) => {
            const before = await app.inject({ method: 'GET', url, headers: bearer(user) });
            const answer = await app.inject({ method, url, headers: bearer(user), payload: changes });
            const after = await app.inject({ method: 'GET', url, headers: bearer(user) });
            if (!parseTaskChanges(changes).ok) {
              expect(isNamedRefusal(answer, 422, isTaskField), answer, 'a 422 naming the field');
              expect(after.body === before.body, after, 'nothing changed');
              return;
            }
            expect(answer.statusCode === 200, answer, '200 or 422');
            const changed = answer.json<TaskBody>();
            const previous = before.json<TaskBody>();
            expect(
              changed.title === (changes.title === undefined ? previous.title : changes.title.trim()) &&
                changed.description === (changes.description === undefined ? previous.description : changes.description),
              answer,
              'exactly the fields named',
            );
            expect(after.body === answer.body, after, 'reads back identical');
          },
        ),
        { numRuns: RUNS },
      );
    });

    t.test('list parameters (q, tag, priority, cursor, sort) are a 200 or a 422 naming the parameter', async (t) => {
      const user = freshUser();
      await app.inject({ method: 'POST', url: '/api/tasks', headers: bearer(user), payload: { title: 'Pay rent', tags: ['home'] } });
      const forgedCursor = fc
        .record({ sort: fc.constantFrom('title', 'created', 'due_date'), order: fc.constantFrom('asc', 'desc'), value: anyText(), id: fc.integer({ min: 1 }) })
        .map((payload) => ({ sort: payload.sort, cursor: Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url') }));
      const parameter = fc.oneof(
        fc
          .tuple(fc.constantFrom('q', 'tag', 'priority', 'cursor', 'sort'), anyText())
          .map(([name, value]) => ({ name, value, query: `${name}=${percentEncode(value)}` })),
        forgedCursor.map(({ sort, cursor }) => ({ name: 'cursor', value: cursor, query: `sort=${sort}&order=asc&cursor=${cursor}` })),
        forgedCursor.map(({ sort, cursor }) => ({ name: 'cursor', value: cursor, query: `sort=${sort}&order=desc&cursor=${cursor}` })),
      );
      await holdsAsync(
        t,
        fc.asyncProperty(parameter, async ({ name, value, query }) => {
          const response = await app.inject({ method: 'GET', url: `/api/tasks?${query}`, headers: bearer(user) });
          expect(response.statusCode === 200 || isNamedRefusal(response, 422, (field) => field === name), response, `200 or a 422 naming ${name}`);
          // With an unpaired surrogate the escapes are not UTF-8, and the server keeps the whole value as written.
          if ((name === 'q' || name === 'tag') && value.includes('\u0000') && !hasUnpairedSurrogate(value)) {
            expect(response.statusCode === 422, response, 'a NUL is refused');
          }
          if (response.statusCode === 200) expect(Array.isArray(response.json()), response, 'a list');
        }),
        { numRuns: RUNS * 2 },
      );
    });

    t.test("a token's user id is the owner, unchanged, on both mounts, or the token is a 401", async (t) => {
      const id = fc.oneof({ arbitrary: anyText({ maxPieces: 8 }), weight: 9 }, { arbitrary: fc.constantFrom('x'.repeat(256), '\u{1F600}'.repeat(255)), weight: 1 });
      await holdsAsync(
        t,
        // `.` and `..` are dot segments: every URL client removes them, so no path can name such a user.
        fc.asyncProperty(id.filter((candidate) => candidate !== '.' && candidate !== '..'), fc.boolean(), async (candidate, compat) => {
          const url = compat ? `/api/${percentEncode(candidate)}/tasks` : '/api/tasks';
          const headers = { authorization: `Bearer ${tokenFor(candidate)}` };
          const created = await app.inject({ method: 'POST', url, headers, payload: { title: 'Mine' } });
          if (!parseUserId(candidate).ok) {
            // A path that is not UTF-8 is refused before anything else (400); otherwise the token is.
            const expected = compat && hasUnpairedSurrogate(candidate) ? [400, 401] : [401];
            expect(expected.includes(created.statusCode), created, `refused with ${expected.join(' or ')}`);
            return;
          }
          expect(created.statusCode === 201, created, '201');
          const task = created.json<TaskBody>();
          expect(task.user_id === candidate, created, 'user_id is the token user, unchanged');
          const read = await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers });
          expect(read.statusCode === 200 && read.json<TaskBody>().user_id === candidate, read, 'reads back identical');
        }),
        { numRuns: RUNS * 2 },
      );
    });

    t.test('the compat path names any user: only the token user passes, anyone else is a 403, never a 5xx', async (t) => {
      const user = freshUser();
      await holdsAsync(
        t,
        fc.asyncProperty(anyText({ maxPieces: 8 }), async (pathUser) => {
          fc.pre(pathUser !== '.' && pathUser !== '..' && pathUser !== 'tasks' && pathUser !== user);
          const response = await app.inject({ method: 'GET', url: `/api/${percentEncode(pathUser)}/tasks`, headers: bearer(user) });
          const notUtf8 = hasUnpairedSurrogate(pathUser);
          expect(response.statusCode === (notUtf8 ? 400 : 403), response, notUtf8 ? '400: the path is not UTF-8' : '403');
          expect(String(response.headers['content-type']).startsWith('application/problem+json'), response, 'problem+json');
        }),
        { numRuns: RUNS },
      );
    });

    t.test('an Idempotency-Key is stored and replays, or is a 422 naming it', async (t) => {
      await holdsAsync(
        t,
        fc.asyncProperty(anyText({ maxPieces: 12 }), async (key) => {
          // Keys are per user: a user of its own, so that a key drawn twice in a run is a first use both times.
          const user = freshUser();
          const send = () =>
            app.inject({ method: 'POST', url: '/api/tasks', headers: { ...bearer(user), 'idempotency-key': key }, payload: { title: 'Once' } });
          const first = await send();
          if (first.statusCode === 422) {
            expect(isNamedRefusal(first, 422, (field) => field === 'idempotency-key'), first, 'a 422 naming idempotency-key');
            expect(key.length === 0 || textFault(key) !== null, first, 'only an empty key or one with a fault');
            return;
          }
          expect(first.statusCode === 201 && first.headers['idempotent-replayed'] === undefined, first, '201, first time');
          const retry = await send();
          expect(retry.statusCode === 201 && retry.headers['idempotent-replayed'] === 'true', retry, 'the retry is a replay');
          expect(retry.json<TaskBody>().id === first.json<TaskBody>().id, retry, 'of the same task');
        }),
        { numRuns: RUNS },
      );
    });
  };
}

t.test('every string on PGlite', stringProperties('pglite'));
t.test('every string on PostgreSQL', { skip: skipWithoutPostgres }, stringProperties('postgres'));

/** Sends raw bytes on a new connection and answers everything the server wrote, once it closes or goes quiet. */
function rawExchange(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no complete answer within 5 s; got: ${Buffer.concat(chunks).toString('latin1')}`));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text)?.[1];
      if (head >= 0 && length !== undefined && Buffer.concat(chunks).length >= head + 4 + Number(length)) socket.end();
    });
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(request);
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);

t.test('over a real socket: header and body bytes are answered, never a 5xx or a hang', async (t) => {
  const app: HttpApp = await testApp(t, { store: 'memory' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const user = freshUser();
  const token = tokenFor(user);
  const post = (headers: Buffer, body: Buffer) =>
    Buffer.concat([
      Buffer.from(`POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n`, 'latin1'),
      headers,
      Buffer.from('\r\n', 'latin1'),
      body,
    ]);
  const title = Buffer.from('{"title":"Pay rent"}');
  const authorization = Buffer.from(`Authorization: Bearer ${token}\r\n`, 'latin1');

  t.test('a NUL, CR or other control byte inside a header is refused by Node with 400', async (t) => {
    for (const bad of [0x00, 0x01, 0x7f]) {
      const header = Buffer.concat([Buffer.from('Idempotency-Key: a', 'latin1'), Buffer.from([bad]), Buffer.from('b\r\n', 'latin1')]);
      const answer = await rawExchange(port, post(Buffer.concat([authorization, header]), title));
      t.equal(statusOf(answer), 400, `byte 0x${bad.toString(16)}`);
    }
  });

  t.test('bytes 0x80 to 0xFF in Idempotency-Key are a key like any (read as Latin-1): stored and replayed', async (t) => {
    const header = Buffer.concat([Buffer.from('Idempotency-Key: caf', 'latin1'), Buffer.from([0xe9, 0x80, 0xff]), Buffer.from('\r\n', 'latin1')]);
    const first = await rawExchange(port, post(Buffer.concat([authorization, header]), title));
    t.equal(statusOf(first), 201, 'stored');
    const retry = await rawExchange(port, post(Buffer.concat([authorization, header]), title));
    t.equal(statusOf(retry), 201);
    t.match(retry, /\r\nidempotent-replayed: true\r\n/i, 'replayed');
  });

  t.test('such bytes in Authorization are a 401; in If-Match, a 422 naming it, or inside quotes a tag of no version (412)', async (t) => {
    const badToken = Buffer.concat([Buffer.from(`Authorization: Bearer ${token}`, 'latin1'), Buffer.from([0xff]), Buffer.from('\r\n', 'latin1')]);
    const unauthenticated = await rawExchange(port, post(badToken, title));
    t.equal(statusOf(unauthenticated), 401);
    const created = await rawExchange(port, post(authorization, title));
    const { id } = JSON.parse(bodyOf(created)) as TaskBody;
    const patchWith = (ifMatch: Buffer) =>
      Buffer.concat([
        Buffer.from(`PATCH /api/tasks/${id} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${title.length}\r\n`, 'latin1'),
        authorization,
        Buffer.from('If-Match: ', 'latin1'),
        ifMatch,
        Buffer.from('\r\n\r\n', 'latin1'),
        title,
      ]);
    const unquoted = await rawExchange(port, patchWith(Buffer.from([0x31, 0xff])));
    t.equal(statusOf(unquoted), 422);
    t.match(JSON.parse(bodyOf(unquoted)), { errors: [{ field: 'if-match' }] });
    const quoted = await rawExchange(port, patchWith(Buffer.concat([Buffer.from('"1', 'latin1'), Buffer.from([0xff]), Buffer.from('"', 'latin1')])));
    t.equal(statusOf(quoted), 412, '"1\\xff" is the tag of no version');
  });

  t.test('a body that is not UTF-8 is a 422 on the body, not a title silently changed to U+FFFD', async (t) => {
    const body = Buffer.concat([Buffer.from('{"title":"caf', 'latin1'), Buffer.from([0xe9]), Buffer.from('"}', 'latin1')]);
    const answer = await rawExchange(port, post(authorization, body));
    t.equal(statusOf(answer), 422);
    t.match(JSON.parse(bodyOf(answer)), { detail: 'body: is not valid UTF-8', errors: [{ field: 'body' }] });
    const escaped = Buffer.from('{"title":"\\ud800 and \\u0000"}', 'latin1');
    const refused = await rawExchange(port, post(authorization, escaped));
    t.equal(statusOf(refused), 422, 'JSON escapes of an unpaired surrogate and NUL parse, then the domain refuses them');
    t.match(JSON.parse(bodyOf(refused)), { detail: 'title: must not contain the NUL character (U+0000)' });
  });

  t.test('a URL with bytes that are not UTF-8 is a 400 problem, whatever the part', async (t) => {
    for (const path of [`/api/${user}%FF/tasks`, '/api/tasks/%ED%A0%80']) {
      const answer = await rawExchange(port, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\n\r\n`, 'latin1'));
      t.equal(statusOf(answer), 400, path);
      t.match(answer, /content-type: application\/problem\+json/i);
    }
    const query = await rawExchange(port, Buffer.from(`GET /api/tasks?q=%FF%ED%A0%80 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\n\r\n`, 'latin1'));
    t.equal(statusOf(query), 200, 'in the query string, undecodable escapes are kept as written: a search like any');
  });
});
