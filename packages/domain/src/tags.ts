import { err, ok, type Result } from './result.js';
import type { FieldIssue } from './task-errors.js';
import { codePointLength, compareCodePoints, foldCase, textFault } from './text.js';

export const MAX_TAGS = 20;
export const TAG_MAX_LENGTH = 32;

/**
 * What two tags are compared by: `Work` and `work` are one tag. Filters match on it, and the
 * database indexes it (`tag_keys`), so a tag filter never depends on the database's locale.
 */
export const tagKey = (tag: string): string => foldCase(tag);

const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * One tag: a valid text (`textFault`), in NFC, trimmed, 1 to 32 code points, no control characters (unlike
 * titles: a tag is a one-line label). Its spelling (case included) is kept.
 */
export function parseTag(raw: string): Result<string, string> {
  const fault = textFault(raw);
  if (fault !== null) return err(fault);
  const tag = raw.normalize('NFC').trim();
  if (tag.length === 0) return err('must not be empty');
  if (codePointLength(tag) > TAG_MAX_LENGTH) return err(`must be at most ${TAG_MAX_LENGTH} characters`);
  if (CONTROL_CHARACTER.test(tag)) return err('must not contain control characters');
  return ok(tag);
}

/**
 * A task's tags: each one parsed by `parseTag`; tags with the same key are one tag, spelt as it was
 * first given; at most 20 different tags; sorted by key (code point order), whatever order they came in.
 * Every invalid tag is reported, named by its position (`tags.2`).
 */
export function parseTags(raw: readonly string[]): Result<readonly string[], readonly FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const byKey = new Map<string, string>();
  raw.forEach((text, index) => {
    const tag = parseTag(text);
    if (!tag.ok) issues.push({ field: `tags.${index}`, message: tag.error });
    else if (!byKey.has(tagKey(tag.value))) byKey.set(tagKey(tag.value), tag.value);
  });
  if (byKey.size > MAX_TAGS) issues.push({ field: 'tags', message: `must hold at most ${MAX_TAGS} different tags` });
  if (issues.length > 0) return err(issues);
  return ok([...byKey].sort(([a], [b]) => compareCodePoints(a, b)).map(([, tag]) => tag));
}
