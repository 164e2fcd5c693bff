import fc from 'fast-check';
import t from 'tap';
import { formatInstant } from '../src/wire/instant.js';

const EDGES = [
  '0000-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00.000Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '2000-02-29T12:00:00.001Z',
  '2100-03-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
];

t.test('formats every instant exactly as toISOString does', async (t) => {
  for (const text of EDGES) t.equal(formatInstant(new Date(text)), text);
  for (const date of [new Date(-62_198_755_200_001), new Date(253_402_300_800_000), new Date(8.64e15), new Date(-8.64e15)]) {
    t.equal(formatInstant(date), date.toISOString(), `outside 0000–9999: ${date.toISOString()}`);
  }
  t.throws(() => formatInstant(new Date(Number.NaN)), RangeError, 'an invalid date throws, as toISOString does');
  const yearsItFormats = fc.date({ min: new Date(EDGES[0]!), max: new Date(EDGES.at(-1)!), noInvalidDate: true });
  for (const dates of [yearsItFormats, fc.date({ noInvalidDate: true })]) {
    fc.assert(fc.property(dates, (date) => formatInstant(date) === date.toISOString()), { numRuns: 50_000 });
  }
});
