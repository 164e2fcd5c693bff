import { taskId } from '@todo/domain';
import fc from 'fast-check';
import t from 'tap';
import {
  compareCodePoints,
  comparePositions,
  decodeCursor,
  decodeListCursor,
  encodeCursor,
  SORT_ORDERS,
  sortValueOf,
  TASK_SORT_KEYS,
  titleSortKey,
} from '../src/index.js';
import { holds } from '../../domain/test/support/properties.js';
import { aTask } from '../../domain/test/support/task-fixtures.js';

/** The reference order: UTF-8 bytes sort exactly like code points. */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Any valid code point, astral ones and the BMP characters above the surrogates among them. */
const anyText = fc.string({ unit: 'binary', maxLength: 12 });

t.test('compareCodePoints', async (t) => {
  t.test('orders by code point where JavaScript\'s < orders by UTF-16 unit', async (t) => {
    const astral = '\u{1F600}'; // U+1F600, stored as the surrogates D83D DE00
    const highBmp = '\uFF5E'; // U+FF5E, above the surrogate range
    t.ok(astral < highBmp, 'the UTF-16 order puts the emoji first');
    t.ok(compareCodePoints(astral, highBmp) > 0, 'the code point order puts it last');
    t.ok(compareCodePoints(highBmp, astral) < 0);
  });

  t.test('a prefix comes first, equal strings are 0', async (t) => {
    t.ok(compareCodePoints('', 'a') < 0);
    t.ok(compareCodePoints('rent', 'rent day') < 0);
    t.ok(compareCodePoints('rent day', 'rent') > 0);
    t.equal(compareCodePoints('r\u00e9sum\u00e9 \u{1F600}', 'r\u00e9sum\u00e9 \u{1F600}'), 0);
  });

  t.test('uppercase sorts before lowercase, as in the C collation', async (t) => {
    t.ok(compareCodePoints('Zebra', 'apple') < 0);
  });

  t.test('has the sign of the UTF-8 byte order for any strings', async (t) => {
    holds(
      t,
      fc.property(anyText, anyText, (a, b) => Math.sign(compareCodePoints(a, b)) === Math.sign(byUtf8(a, b))),
    );
  });
});

t.test('titleSortKey', async (t) => {
  t.test('lowers ASCII letters only', async (t) => {
    t.equal(titleSortKey('Pay RENT'), 'pay rent');
    t.equal(titleSortKey('\u00c9t\u00c9 \u0130stanbul \u00df'), '\u00c9t\u00c9 \u0130stanbul \u00df', 'É, İ and ß are left alone');
  });

  t.test('agrees with toLowerCase on ASCII and never changes a non-ASCII code point', async (t) => {
    holds(
      t,
      fc.property(fc.oneof(fc.string(), anyText), (title) => {
        const original = [...title];
        const key = [...titleSortKey(title)];
        const isAscii = (char: string) => char.codePointAt(0)! < 0x80;
        return key.length === original.length && original.every((char, i) => key[i] === (isAscii(char) ? char.toLowerCase() : char));
      }),
    );
  });
});

t.test('sortValueOf', async (t) => {
  const task = aTask({
    title: 'Pay RENT',
    createdAt: new Date('2026-01-18T09:30:00.123Z'),
    updatedAt: new Date('2026-02-01T00:00:00.000Z'),
  });
  t.equal(sortValueOf(task, 'created'), '2026-01-18T09:30:00.123Z');
  t.equal(sortValueOf(task, 'updated'), '2026-02-01T00:00:00.000Z');
  t.equal(sortValueOf(task, 'title'), 'pay rent');
});

t.test('comparePositions breaks ties on the id and reverses both for desc', async (t) => {
  const first = { value: 'a', id: taskId(2) };
  const tie = { value: 'a', id: taskId(5) };
  const next = { value: 'b', id: taskId(1) };
  t.ok(comparePositions(first, tie, 'asc') < 0);
  t.ok(comparePositions(tie, next, 'asc') < 0, 'the value decides before the id');
  t.ok(comparePositions(first, tie, 'desc') > 0);
  t.ok(comparePositions(tie, next, 'desc') > 0);
  t.equal(comparePositions(first, { ...first }, 'desc'), 0);
});

t.test('cursors', async (t) => {
  const query = { sort: 'title', order: 'asc' } as const;

  t.test('decode what encode made, non-ASCII values included', async (t) => {
    const position = { value: 'caf\u00e9 \u65e5\u672c \u{1F600} "quoted" \\ +/=', id: taskId(42) };
    const cursor = encodeCursor(query, position);
    t.match(cursor, /^[A-Za-z0-9_-]+$/, 'URL-safe, no padding');
    t.strictSame(decodeCursor(cursor, query), { ok: true, value: position });
  });

  t.test('round-trip any value and id for every sort and order, always URL-safe', async (t) => {
    holds(
      t,
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.integer({ min: 1 }),
        fc.constantFrom(...TASK_SORT_KEYS),
        fc.constantFrom(...SORT_ORDERS),
        (value, id, sort, order) => {
          const cursor = encodeCursor({ sort, order }, { value, id: taskId(id) });
          const decoded = decodeCursor(cursor, { sort, order });
          return /^[A-Za-z0-9_-]+$/.test(cursor) && decoded.ok && decoded.value.value === value && decoded.value.id === id;
        },
      ),
    );
  });

  t.test('a listing cursor whose value is not a valid text is refused (it would reach the database)', async (t) => {
    for (const value of ['pay\u0000rent', 'pay \ud800']) {
      const cursor = encodeCursor(query, { value, id: taskId(1) });
      t.strictSame(
        decodeListCursor(cursor, query),
        { ok: false, error: { field: 'cursor', message: 'is not a cursor this service issued' } },
        JSON.stringify(value),
      );
    }
    t.match(decodeListCursor(encodeCursor(query, { value: 'pay \u0007\u{1F600}', id: taskId(1) }), query), { ok: true });
  });

  t.test('a cursor made for another sort or order is refused on the cursor field', async (t) => {
    const cursor = encodeCursor(query, { value: 'pay rent', id: taskId(1) });
    t.strictSame(decodeCursor(cursor, { sort: 'created', order: 'asc' }), {
      ok: false,
      error: { field: 'cursor', message: 'was issued for sort=title&order=asc' },
    });
    t.match(decodeCursor(cursor, { sort: 'title', order: 'desc' }), { ok: false, error: { field: 'cursor' } });
  });

  t.test('anything this service did not issue is refused on the cursor field', async (t) => {
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const garbage = {
      'not base64': '!!!',
      empty: '',
      'not JSON': encode('hello'),
      'JSON null': encode('null'),
      'a JSON array': encode('[1,2]'),
      'no id': encode('{"sort":"title","order":"asc","value":"a"}'),
      'id zero': encode('{"sort":"title","order":"asc","value":"a","id":0}'),
      'fractional id': encode('{"sort":"title","order":"asc","value":"a","id":1.5}'),
      'id as a string': encode('{"sort":"title","order":"asc","value":"a","id":"1"}'),
      'value not a string': encode('{"sort":"title","order":"asc","value":1,"id":1}'),
      'invalid UTF-8': Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url'),
      'an unknown sort': encode('{"sort":"t\\u0000itle","order":"asc","value":"a","id":1}'),
      'an unknown order': encode('{"sort":"title","order":"up","value":"a","id":1}'),
    };
    for (const [name, cursor] of Object.entries(garbage)) {
      t.strictSame(
        decodeCursor(cursor, query),
        { ok: false, error: { field: 'cursor', message: 'is not a cursor this service issued' } },
        name,
      );
    }
  });
});
