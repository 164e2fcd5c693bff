import { err, ok, type Result } from './result.js';
import type { FieldIssue } from './task-errors.js';

// RFC 3339 (what JSON Schema's `date-time` format accepts): a date, a time with seconds, a zone.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** The instants a date-time may name: years 0001 to 9999 in UTC, so that every one prints as ISO 8601. */
export const EARLIEST_DATE_TIME = new Date('0001-01-01T00:00:00.000Z');
export const LATEST_DATE_TIME = new Date('9999-12-31T23:59:59.999Z');

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const daysIn = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!);

/**
 * An ISO 8601 (RFC 3339) date-time with a time zone, `2026-01-31T17:00:00Z` or `…+02:00`, as an instant.
 * A local time without a zone is refused: it would mean a different instant to every server.
 * Digits beyond the millisecond are dropped, the precision of the wire format and of the database.
 */
export function parseDateTime(raw: string, field: string): Result<Date, FieldIssue> {
  const invalid = err({ field, message: 'must be an ISO 8601 date-time with a time zone, like 2026-01-31T17:00:00Z' });
  const match = DATE_TIME.exec(raw);
  if (match === null) return invalid;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [fraction = '', zulu, sign, offsetHours = '00', offsetMinutes = '00'] = match.slice(7);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return invalid;
  if (zulu === undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return invalid;

  const local = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offsetMs = zulu === undefined ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 : 0;
  const instant = new Date(local.getTime() - offsetMs);
  if (instant < EARLIEST_DATE_TIME || instant > LATEST_DATE_TIME) {
    return err({ field, message: 'must be between the years 0001 and 9999 (UTC)' });
  }
  return ok(instant);
}
