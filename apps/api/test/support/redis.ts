import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { RedisConnection } from '@todo/adapters';

/** The Redis the suite may use (CI sets it); without it those tests are skipped, saying why. */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'];
export const skipWithoutRedis = TEST_REDIS_URL ? false : 'TEST_REDIS_URL is not set';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/**
 * A key prefix of this test's own, so that parallel test files and other users of the shared Redis never meet;
 * its keys are deleted when the test ends (by prefix: never FLUSHALL on a shared server).
 */
export function isolatedRedisPrefix(t: Teardown): string {
  const prefix = `todo-api-test:${randomUUID()}:`;
  t.teardown(async () => {
    const connection = await RedisConnection.open({ url: TEST_REDIS_URL!, timeoutMs: 2000, onUnavailable: () => {}, onAvailable: () => {} });
    await connection.start();
    const keys = await scanKeys(connection, prefix);
    if (keys.length > 0) await connection.client.del(...keys);
    await connection.stop();
  });
  return prefix;
}

async function scanKeys(connection: RedisConnection, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await connection.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** The keys under a prefix, read from Redis itself. */
export async function redisKeys(prefix: string): Promise<string[]> {
  const connection = await RedisConnection.open({ url: TEST_REDIS_URL!, timeoutMs: 2000, onUnavailable: () => {}, onAvailable: () => {} });
  await connection.start();
  try {
    return await scanKeys(connection, prefix);
  } finally {
    await connection.stop();
  }
}

/** Redis's CLIENT LIST, one object per connection (`name`, `addr`…). */
export async function redisClientList(): Promise<Record<string, string>[]> {
  const connection = await RedisConnection.open({ url: TEST_REDIS_URL!, timeoutMs: 2000, onUnavailable: () => {}, onAvailable: () => {} });
  await connection.start();
  try {
    const list = (await connection.client.client('LIST')) as string;
    return list
      .split('\n')
      .filter(Boolean)
      .map((line) => Object.fromEntries(line.trim().split(' ').map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)])));
  } finally {
    await connection.stop();
  }
}

/** A port on which nothing listens: connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP relay to the test Redis that a test can cut and restore, as a network failure or a Redis restart would. */
export class RedisRelay {
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  port = 0;

  async open(): Promise<void> {
    const target = new URL(TEST_REDIS_URL!);
    const server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    if (server !== null) await new Promise((resolve) => server.close(resolve));
  }
}
