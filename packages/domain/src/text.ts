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
