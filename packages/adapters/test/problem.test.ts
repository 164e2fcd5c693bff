import t from 'tap';
import { fieldLabel, invalidInput } from '../src/wire/problem.js';

t.test('a 422 detail names each field and what is wrong, in order, and keeps the errors for code', async (t) => {
  const errors = [
    { field: 'title', message: 'must not be empty' },
    { field: 'priority', message: 'must be one of: low, medium, high' },
  ];
  t.same(invalidInput(errors), {
    type: 'urn:todo-api:problem:validation-failed',
    title: 'Unprocessable Content',
    status: 422,
    detail: 'title: must not be empty; priority: must be one of: low, medium, high',
    errors,
  });
  t.equal(invalidInput([{ field: 'idempotency-key', message: 'was reused' }], 'idempotency-key-reused').type, 'urn:todo-api:problem:idempotency-key-reused');
});

t.test('field names are shown as they are when plain, quoted and spelt out otherwise', async (t) => {
  for (const plain of ['title', 'tags.1', 'idempotency-key', 'due_date', 'título', '日付']) t.equal(fieldLabel(plain), plain);
  t.equal(fieldLabel('my field'), '"my field"', 'a space');
  t.equal(fieldLabel('x\u0000\ud800'), '"x\\u0000\\ud800"', 'NUL and an unpaired surrogate');
  t.equal(fieldLabel('a\u202eb\u200b'), '"a\\u202eb\\u200b"', 'bidi and zero-width characters cannot disguise the name');
  t.equal(fieldLabel('say "hi"\\'), '"say \\"hi\\"\\\\"', 'quotes and backslashes are escaped');
  t.equal(fieldLabel('\u0301x'), '"\u0301x"', 'a leading combining mark is quoted, not attached to what comes before');
  t.equal(fieldLabel(''), '""', 'an empty name');
  t.equal(fieldLabel('\u{F0000}'), '"\\u{f0000}"', 'private use beyond the BMP');
  t.equal(fieldLabel('x'.repeat(100)), `"${'x'.repeat(64)}…"`, 'a long name is cut to 64 characters');
});
