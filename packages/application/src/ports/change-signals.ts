import type { UserId } from '@todo/domain';

/**
 * Tells those who follow a user's changes that the feed may have moved. A signal carries no change: the
 * follower reads the feed from where it stands, so a lost or repeated signal only makes a change late or a
 * read empty, never lost or repeated. Adapters deliver in this process, and to the other instances.
 */
export interface ChangeSignals {
  /** After a write of `owner`'s tasks committed: wakes every follower of `owner`. Never throws. */
  announce(owner: UserId): void;
  /** Calls `onChange` whenever `owner`'s feed may have moved (sometimes more often); returns the function that stops it. */
  subscribe(owner: UserId, onChange: () => void): () => void;
}
