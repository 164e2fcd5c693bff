import type { UserId } from '@todo/domain';

/** One open event stream: aborted when the service shuts down; release it when the stream ends. */
export interface OpenStream {
  readonly signal: AbortSignal;
  release(): void;
}

/** The event streams open on this instance: at most so many per user, and all ended at shutdown. */
export class EventStreams {
  readonly #maxPerUser: number;
  readonly #open = new Map<UserId, Set<AbortController>>();
  #count = 0;

  constructor(maxPerUser: number) {
    this.#maxPerUser = maxPerUser;
  }

  /** How many streams are open now (the metrics gauge). */
  get count(): number {
    return this.#count;
  }

  /** A new stream for `user`, or `null` when the user already has the most this instance allows. */
  open(user: UserId): OpenStream | null {
    const streams = this.#open.get(user) ?? new Set<AbortController>();
    if (streams.size >= this.#maxPerUser) return null;
    const controller = new AbortController();
    streams.add(controller);
    this.#open.set(user, streams);
    this.#count++;
    let released = false;
    return {
      signal: controller.signal,
      release: () => {
        if (released) return;
        released = true;
        streams.delete(controller);
        if (streams.size === 0) this.#open.delete(user);
        this.#count--;
      },
    };
  }

  /** Ends every stream (at shutdown: their requests then finish, and the server can close). */
  abortAll(): void {
    for (const streams of this.#open.values()) for (const controller of streams) controller.abort();
  }
}
