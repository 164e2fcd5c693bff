import { err, ok, type Result } from './result.js';
import type { FieldIssue } from './task-errors.js';

export const NUL_CHARACTER_MESSAGE = 'must not contain the NUL character (U+0000)';
export const UNPAIRED_SURROGATE_MESSAGE = 'must be valid Unicode (no unpaired surrogate)';

// In a `u` regular expression a surrogate pair is one code point: only a surrogate without its partner matches.
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/**
 * What keeps a string from being a valid text, or null when nothing does. PostgreSQL's `text` cannot hold
 * U+0000, and an unpaired surrogate has no UTF-8 form (a driver would store U+FFFD instead: the text would
 * come back changed). Every other string JSON can carry is a valid text, other control characters included.
 */
export function textFault(text: string): string | null {
  if (text.includes('\u0000')) return NUL_CHARACTER_MESSAGE;
  if (UNPAIRED_SURROGATE.test(text)) return UNPAIRED_SURROGATE_MESSAGE;
  return null;
}

/**
 * A text as every field of this service takes it (titles, descriptions, tags, search words, idempotency keys,
 * user ids): kept exactly as given, unless `textFault` finds a fault, reported on `field`. Fields add their own
 * rules on top (trimming, lengths, tags refuse every control character).
 */
export function parseText(raw: string, field: string): Result<string, FieldIssue> {
  const fault = textFault(raw);
  return fault === null ? ok(raw) : err({ field, message: fault });
}

/** The length of a text in Unicode code points, as PostgreSQL's `char_length` counts it. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Orders strings by code point, as PostgreSQL's "C" collation does (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done || r.done) return (l.done ? 0 : 1) - (r.done ? 0 : 1);
    const difference = l.value.codePointAt(0)! - r.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}

/**
 * The form in which texts are compared without case (tags, search words): NFC, then Unicode lower case
 * (`toLowerCase`, the same in every locale). Computed here and stored by the adapters, never by the
 * database's `lower()`, whose result depends on the server's locale: every store compares the same strings.
 */
export const foldCase = (text: string): string => text.normalize('NFC').toLowerCase();
