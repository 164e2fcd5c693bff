const NOT_ASCII = /[^\x00-\x7f]/; // eslint-disable-line no-control-regex
const utf8Encoder = new TextEncoder();

/** JSON as URL-safe base64 without padding: how cursors travel, opaque to clients. */
export function encodeOpaque(value: unknown): string {
  const json = JSON.stringify(value);
  // btoa reads each character as one byte: right for ASCII, which most cursors are; others go through UTF-8.
  const binary = NOT_ASCII.test(json) ? Array.from(utf8Encoder.encode(json), (byte) => String.fromCharCode(byte)).join('') : json;
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The value `encodeOpaque` made, or `undefined` for anything else. */
export function decodeOpaque(encoded: string): unknown {
  try {
    const binary = atob(encoded.replaceAll('-', '+').replaceAll('_', '/'));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
