import type { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` (TLS), with credentials and database number if any. */
  readonly url: string;
  /** Bounds connecting and every command. */
  readonly timeoutMs: number;
  /** How the connection appears in Redis's CLIENT LIST (no spaces). */
  readonly clientName?: string;
  /** Told once when Redis becomes unreachable (not at every reconnection attempt). */
  readonly onUnavailable: (error: Error) => void;
  /** Told when Redis answers again after being unreachable. */
  readonly onAvailable: () => void;
}

const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * A Redis client for counters shared by every instance. It never makes a request wait for Redis: while Redis is
 * unreachable a command fails at once (no offline queue that grows with the traffic), a slow one fails after
 * `timeoutMs`, and the client keeps reconnecting in the background. Callers decide what a failure means (the rate
 * limiter lets the request through).
 */
export class RedisConnection {
  readonly client: Redis;
  #available = true;

  /** Nothing connects until `start`. ioredis is loaded here, so a service without Redis never loads it. */
  static async open(options: RedisConnectionOptions): Promise<RedisConnection> {
    const { Redis } = await import('ioredis');
    return new RedisConnection(Redis, options);
  }

  private constructor(Redis: typeof import('ioredis').Redis, { url, timeoutMs, clientName, onUnavailable, onAvailable }: RedisConnectionOptions) {
    this.client = new Redis(url, {
      ...(clientName === undefined ? {} : { connectionName: clientName }),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    });
    this.client.on('error', (error: Error) => {
      if (!this.#available) return;
      this.#available = false;
      onUnavailable(error);
    });
    this.client.on('ready', () => {
      if (this.#available) return;
      this.#available = true;
      onAvailable();
    });
  }

  /** Connects; an unreachable Redis is reported through `onUnavailable`, never thrown: the service starts anyway. */
  async start(): Promise<void> {
    await this.client.connect().catch(() => {});
  }

  async stop(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
