import { codePointLength, err, parseText, type FieldIssue, type Result, type TaskDraft } from '@todo/domain';

/** How long a key is remembered: a retry within this time gets the first answer again. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/**
 * How long a claim keeps a key for a request in flight. A create is one short transaction, and the database
 * adapter gives up on any call after about 4 s (2 s to get a connection, 2 s per statement): a claim older than
 * this belongs to a request that failed without freeing its key (its connection died during the claim, or the
 * release could not reach the database), and a retry takes it over. Taking over from a request that is in fact
 * still running is safe: that request then finds its claim gone and creates nothing.
 */
export const IDEMPOTENCY_CLAIM_LEASE_MS = 10 * 1000;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** The key was first used with another request body: reusing it for different content is a client bug. */
export interface IdempotencyKeyReused {
  readonly code: 'idempotency.key_reused';
}

/** The first request with this key is still running: the retry must wait for it. */
export interface IdempotencyKeyInFlight {
  readonly code: 'idempotency.key_in_flight';
}

export type IdempotencyError = IdempotencyKeyReused | IdempotencyKeyInFlight;

export const idempotencyKeyReused = (): IdempotencyKeyReused => ({ code: 'idempotency.key_reused' });
export const idempotencyKeyInFlight = (): IdempotencyKeyInFlight => ({ code: 'idempotency.key_in_flight' });

/** A key is a valid text (`parseText`: it is stored) of 1 to 255 characters. */
export function parseIdempotencyKey(raw: string): Result<string, FieldIssue> {
  const key = parseText(raw, 'idempotency-key');
  if (!key.ok) return key;
  const length = codePointLength(key.value);
  return length >= 1 && length <= IDEMPOTENCY_KEY_MAX_LENGTH
    ? key
    : err({ field: 'idempotency-key', message: `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters` });
}

/**
 * What makes two create requests the same: their drafts, with keys sorted and absent fields left out
 * (so the order of the fields in the body does not matter), hashed with SHA-256.
 */
export async function fingerprintOf(draft: TaskDraft): Promise<string> {
  const canonical = JSON.stringify(draft, Object.keys(draft).sort());
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
