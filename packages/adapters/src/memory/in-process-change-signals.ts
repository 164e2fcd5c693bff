import type { ChangeSignals } from '@todo/application';
import type { UserId } from '@todo/domain';

/**
 * Change signals within one process: enough where one process holds the data (PGlite, the in-memory store),
 * and the local half of the PostgreSQL signals.
 */
export class InProcessChangeSignals implements ChangeSignals {
  readonly #followers = new Map<UserId, Set<() => void>>();

  /** Nothing to start or stop: the same lifecycle as the signals that span instances. */
  start(): void {}
  async stop(): Promise<void> {}

  announce(owner: UserId): void {
    for (const onChange of this.#followers.get(owner) ?? []) onChange();
  }

  subscribe(owner: UserId, onChange: () => void): () => void {
    let followers = this.#followers.get(owner);
    if (followers === undefined) {
      followers = new Set();
      this.#followers.set(owner, followers);
    }
    // Each subscription is its own entry, even for the same function.
    const entry = () => onChange();
    followers.add(entry);
    return () => {
      followers.delete(entry);
      if (followers.size === 0 && this.#followers.get(owner) === followers) this.#followers.delete(owner);
    };
  }

  /** The users someone follows in this process. */
  followedUsers(): UserId[] {
    return [...this.#followers.keys()];
  }

  /** Wakes every follower in this process (after signals may have been lost). */
  announceToAll(): void {
    for (const owner of this.followedUsers()) this.announce(owner);
  }
}
