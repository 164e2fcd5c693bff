import type { ExpectedVersions, Task } from '@todo/domain';

/** A task's entity tag: its version, which every write increments. Strong: equal tags mean equal bodies. */
export const etagOf = (task: Pick<Task, 'version'>): string => `"${task.version}"`;

interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

const ENTITY_TAG = /\s*(W\/)?"([^"]*)"\s*(?:,|$)/gy;

/** The tags of an `If-Match` / `If-None-Match` value (`*` is handled by the callers); the schema vouched for its syntax. */
function entityTags(header: string): EntityTag[] {
  return [...header.matchAll(ENTITY_TAG)].map(([, weak, opaque]) => ({ weak: weak !== undefined, opaque: opaque! }));
}

const VERSION = /^[1-9]\d{0,14}$/;

/**
 * The versions an `If-Match` header allows a write at. `If-Match` compares strongly (RFC 9110): weak tags, and
 * tags this service never issued, match no version; if none is left, the write can only fail (412).
 * No header, or `*`, sets no condition: the write goes through if the task exists.
 */
export function expectedVersions(ifMatch: string | undefined): ExpectedVersions | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  return entityTags(ifMatch)
    .filter((tag) => !tag.weak && VERSION.test(tag.opaque))
    .map((tag) => Number(tag.opaque));
}

/** True when `If-None-Match` names the task's current tag (compared weakly, as RFC 9110 says for GET), or is `*`. */
export function noneMatchFails(ifNoneMatch: string | undefined, task: Pick<Task, 'version'>): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return entityTags(ifNoneMatch).some((tag) => tag.opaque === String(task.version));
}
