import fc from 'fast-check';

/** The two faults that keep a string from being a text (`textFault`): U+0000 and unpaired surrogates. */
export const TEXT_FAULTS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800'] as const;

/**
 * Characters that have broken text handling somewhere, none of them a fault: other C0 and C1 controls and DEL,
 * astral characters and an emoji sequence, combining marks (also alone), zero-width and bidi controls, the BOM,
 * noncharacters, line and paragraph separators, whitespace that `trim` removes, letters whose case folding
 * changes their length or depends on context, and what SQL's LIKE and JSON treat specially.
 */
const HARD_CHARACTERS = [
  '\u0001', '\u0007', '\u0008', '\u001b', '\u001f', '\u007f', '\u0085', '\u009f',
  '\u{1F600}', '\u{10FFFF}', '\u{1F469}\u200d\u{1F4BB}', 'e\u0301', '\u0301', '\u0308',
  '\u200b', '\u200e', '\u202e', '\ufeff', '\ufffe', '\uffff', '\ufffd', '\u2028', '\u2029',
  ' ', '\t', '\n', '\r', '\u00a0', '\u3000', 'ß', 'İ', 'Σ', 'ǅ', '%', '_', '\\', '"', "'", '<', '/', '.', 'a', 'Z', '7',
] as const;

/** One code point of the whole range, surrogate halves included (they come out unpaired, or paired by chance). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) =>
  codePoint >= 0xd800 && codePoint <= 0xdfff ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint),
);

/**
 * Any string JSON can carry, weighted towards the hard cases: about half of them hold a fault. Pieces are
 * joined, so a high and a low surrogate half sometimes meet and make a valid pair.
 */
export const anyText = ({ maxPieces = 10 }: { maxPieces?: number } = {}): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { arbitrary: fc.constantFrom(...HARD_CHARACTERS), weight: 5 },
        { arbitrary: anyCodePoint, weight: 3 },
        { arbitrary: fc.constantFrom(...TEXT_FAULTS), weight: 1 },
      ),
      { maxLength: maxPieces },
    )
    .map((pieces) => pieces.join(''));

/** A string with no fault: one code point at a time, anything but U+0000 and surrogate halves. */
export const validCodePoint = fc
  .integer({ min: 1, max: 0x10ffff - 0x800 })
  .map((n) => String.fromCodePoint(n < 0xd800 ? n : n + 0x800));
