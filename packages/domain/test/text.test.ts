import fc from 'fast-check';
import t from 'tap';
import {
  parseDescription,
  parseTag,
  parseTags,
  parseText,
  parseTitle,
  parseUserId,
  textFault,
  userId,
  USER_ID_MAX_LENGTH,
} from '../src/index.js';
import { anyText } from './support/any-text.js';
import { holds } from './support/properties.js';

const NUL = 'must not contain the NUL character (U+0000)';
const SURROGATE = 'must be valid Unicode (no unpaired surrogate)';

/** What survives UTF-8, the encoding every store and the wire use: a string with an unpaired surrogate does not. */
const survivesUtf8 = (text: string) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(text)) === text;

t.test('parseText refuses NUL and unpaired surrogates, naming the field, and keeps anything else exactly', async (t) => {
  t.strictSame(parseText('a\u0000b', 'title'), { ok: false, error: { field: 'title', message: NUL } });
  for (const lone of ['\ud800', '\udfff', 'x\udc00', '\udc00\ud800', '\u{1F600}'.slice(0, 1)]) {
    t.strictSame(parseText(lone, 'q'), { ok: false, error: { field: 'q', message: SURROGATE } }, JSON.stringify(lone));
  }
  for (const kept of ['', '\u0001\u001f\u007f\u0085', '\u{1F600}\u{10FFFF}', 'e\u0301', '\u202e\ufeff\uffff', 'line\nbreak\ttab']) {
    t.strictSame(parseText(kept, 'title'), { ok: true, value: kept }, JSON.stringify(kept));
  }
});

t.test('a text is valid exactly when it has no NUL and comes back unchanged from UTF-8', async (t) => {
  holds(
    t,
    fc.property(anyText({ maxPieces: 20 }), (text) => {
      const valid = !text.includes('\u0000') && survivesUtf8(text);
      return (textFault(text) === null) === valid && parseText(text, 'field').ok === valid;
    }),
  );
});

t.test('titles, descriptions and tags apply the text rule before their own', async (t) => {
  t.strictSame(parseTitle('  Pay\u0000rent '), { ok: false, error: { field: 'title', message: NUL } });
  t.strictSame(parseTitle('\ud800'), { ok: false, error: { field: 'title', message: SURROGATE } });
  t.strictSame(parseDescription('\u0000'.repeat(2000)), { ok: false, error: { field: 'description', message: NUL } });
  t.strictSame(parseDescription('x\udbff'), { ok: false, error: { field: 'description', message: SURROGATE } });
  t.strictSame(parseTag('work\ud800'), { ok: false, error: SURROGATE });
  t.strictSame(parseTags(['ok', 'a\u0000']), { ok: false, error: [{ field: 'tags.1', message: NUL }] });
});

t.test('other control characters are kept in titles and descriptions, refused in tags', async (t) => {
  t.strictSame(parseTitle('\u0007Ring\u001b[0m'), { ok: true, value: '\u0007Ring\u001b[0m' });
  t.strictSame(parseDescription('\u0001\u0085'), { ok: true, value: '\u0001\u0085' });
  t.strictSame(parseTag('ring\u0007'), { ok: false, error: 'must not contain control characters' });
});

t.test('a user id is a valid text of 1 to 255 code points', async (t) => {
  t.strictSame(parseUserId('alice'), { ok: true, value: 'alice' });
  t.strictSame(parseUserId('\u{1F600}'.repeat(USER_ID_MAX_LENGTH)), { ok: true, value: '\u{1F600}'.repeat(USER_ID_MAX_LENGTH) }, 'code points, not UTF-16 units');
  t.strictSame(parseUserId(''), { ok: false, error: 'must not be empty' });
  t.strictSame(parseUserId('x'.repeat(USER_ID_MAX_LENGTH + 1)), { ok: false, error: 'must be at most 255 characters' });
  t.strictSame(parseUserId('al\u0000ice'), { ok: false, error: NUL });
  t.strictSame(parseUserId('\udc00'), { ok: false, error: SURROGATE });
  t.throws(() => userId('a\u0000'), RangeError, 'userId() is for ids already known to be valid');
});
