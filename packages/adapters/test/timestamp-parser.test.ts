import fc from 'fast-check';
import pg from 'pg';
import t from 'tap';
import { parseTimestamptz } from '../src/postgres/timestamp-parser.js';
import { isolatedPostgres, skipWithoutPostgres } from './support/databases.js';

const pgParser = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number;
const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** How PostgreSQL writes a timestamptz in UTC: the fraction only when there is one, without trailing zeros. */
const utcText = fc
  .record({
    year: fc.integer({ min: 1, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    micros: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999 })),
  })
  .map(({ year, month, day, hour, minute, second, micros }) => {
    const fraction = micros === 0 ? '' : `.${pad(micros, 6).replace(/0+$/, '')}`;
    return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}+00`;
  });

t.test('reads every UTC timestamp PostgreSQL writes as pg’s own parser does', async (t) => {
  fc.assert(fc.property(utcText, (text) => parseTimestamptz(text).getTime() === (pgParser(text) as Date).getTime()), { numRuns: 20_000 });
  t.pass('the property holds');
});

t.test('leaves anything else to pg’s parser', async (t) => {
  for (const text of ['2026-01-31 18:00:00.5+01', '2026-01-31 12:30:00-05:30', '0050-06-01 00:00:00+00', 'infinity', '-infinity', '2026-01-31 17:00:00 BC+00', '2026-01-31T17:00:00+00']) {
    t.same(parseTimestamptz(text), pgParser(text), text);
  }
});

t.test('timestamps read back from PostgreSQL are the instants written', { skip: skipWithoutPostgres }, async (t) => {
  const connection = await isolatedPostgres(t);
  const instants = ['2026-01-31T17:00:00.000Z', '2026-01-31T17:00:00.120Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.001Z'];
  const rows = await connection.run<{ at: Date }>('select cast(unnest(cast($1 as text[])) as timestamptz(3)) as at', [instants]);
  t.same(rows.map((row) => row.at.toISOString()), instants);
});
