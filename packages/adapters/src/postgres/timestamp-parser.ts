import pg from 'pg';

const TIMESTAMPTZ_OID = 1184;
const parseAnyTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date;
const DIGIT_0 = 48;

/** The number written by `text`'s characters from `start` to before `end`, all digits; NaN otherwise. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A `timestamptz` as PostgreSQL writes it in UTC (`2026-01-31 17:00:00.123+00`, the fraction optional), read
 * without the general parser's regular expression: a page of tasks holds a few hundred timestamps. Anything
 * else (another time zone, years before 100, `infinity`) goes to pg's own parser.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  if (length >= 22 && text.charCodeAt(length - 3) === 43 /* + */ && text.endsWith('00') && text[4] === '-' && text[10] === ' ') {
    const year = digitsAt(text, 0, 4);
    let milliseconds = 0;
    const fractionEnd = length - 3;
    if (fractionEnd > 19) {
      if (text[19] !== '.') return parseAnyTimestamptz(text);
      milliseconds = digitsAt(`${text.slice(20, Math.min(fractionEnd, 23))}00`, 0, 3);
    }
    const time = Date.UTC(
      year,
      digitsAt(text, 5, 7) - 1,
      digitsAt(text, 8, 10),
      digitsAt(text, 11, 13),
      digitsAt(text, 14, 16),
      digitsAt(text, 17, 19),
      milliseconds,
    );
    if (year >= 100 && !Number.isNaN(time) && text[7] === '-' && text[13] === ':' && text[16] === ':') return new Date(time);
  }
  return parseAnyTimestamptz(text);
}

/** pg's type parsers, with the fast `timestamptz` parser. */
export const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? parseTimestamptz : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};
