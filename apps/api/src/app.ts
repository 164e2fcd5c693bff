import {
  createHttpApp,
  InMemoryIdempotencyStore,
  InProcessChangeSignals,
  JwksKeySource,
  KyselyIdempotencyStore,
  KyselyTaskChangeFeed,
  KyselyTaskRepository,
  MetricsRegistry,
  migrateToLatest,
  PostgresChangeSignals,
  openDatabase,
  RedisConnection,
  type DatabaseConnection,
  type HttpApp,
  type MigrationReport,
} from '@todo/adapters';
import {
  createTaskUseCases,
  type ChangeSignals,
  type Clock,
  type IdempotencyStore,
  type TaskChangeFeed,
  type TaskRepository,
  type TaskUseCases,
} from '@todo/application';
import { asFunction, asValue, createContainer, InjectionMode } from 'awilix';
import { sessionUrlOf, type Config } from './config.js';
import { developmentSecret } from './dev-secret.js';
import { defaultLogDestination, loggerOptions, secretsOf, type LogDestination } from './logging.js';

const VERSION = '0.1.0';
/** Contract §9: the 11th stream of one user on one instance is 429. */
const MAX_EVENT_STREAMS_PER_USER = 10;

/** What the container holds: one of each, for the life of one app. */
interface Cradle {
  readonly config: Config;
  readonly database: DatabaseConnection | null;
  /** Shared rate-limit counters; `null` without REDIS_URL. */
  readonly redis: RedisConnection | null;
  /** Every component that reports a value registers it here; served at /metrics when METRICS_TOKEN is set. */
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly tasks: TaskRepository;
  readonly changes: TaskChangeFeed;
  readonly signals: ChangeSignals & { start(): void; stop(): Promise<void> };
  readonly idempotency: IdempotencyStore;
  readonly taskUseCases: TaskUseCases;
}

/**
 * Replacements for tests: another repository (then no database is opened; its change feed is `changes`, or the
 * repository itself when it keeps one, as the in-memory repository does), clock, database or log destination.
 */
export interface AppOverrides {
  readonly tasks?: TaskRepository;
  readonly changes?: TaskChangeFeed;
  readonly clock?: Clock;
  readonly database?: DatabaseConnection;
  readonly logDestination?: LogDestination;
}

const systemClock: Clock = {
  // Millisecond precision, like the wire format and the database columns.
  now: () => new Date(),
};

const isChangeFeed = (store: object): store is TaskChangeFeed => 'readChanges' in store && 'headSeq' in store;

function registerPoolGauges(metrics: MetricsRegistry, database: DatabaseConnection): void {
  const { idle, waiting } = database.poolStats();
  metrics.registerGauge({ name: 'db_pool_connections', help: 'Database connections open', read: () => database.poolStats().total });
  if (idle !== null) {
    metrics.registerGauge({ name: 'db_pool_idle_connections', help: 'Database connections open and free', read: () => database.poolStats().idle ?? 0 });
  }
  if (waiting !== null) {
    metrics.registerGauge({
      name: 'db_pool_waiting_queries',
      help: 'Queries waiting for a database connection',
      read: () => database.poolStats().waiting ?? 0,
    });
  }
}

/** The connection requests use: `DATABASE_URL`, which may be a pooler in transaction mode. */
export function connectDatabase(config: Config, onConnectionError?: (error: Error) => void): Promise<DatabaseConnection> {
  return openDatabase(config.database, onConnectionError ? { onConnectionError } : {});
}

/**
 * Applies the migrations over a connection of their own: `DATABASE_DIRECT_URL` when set, because Kysely's
 * migrator holds a session-level advisory lock across statements, which a pooler in transaction mode would leave
 * behind on whichever server connection took it. No statement timeout: a migration may take minutes, and waits
 * for other instances' migration lock. PGlite is one connection: its migrations run on it.
 */
export async function migrateDatabase(config: Config, requests: DatabaseConnection): Promise<MigrationReport> {
  if (config.database.kind !== 'postgres') return migrateToLatest(requests.db);
  const session = await openDatabase({ kind: 'postgres', url: sessionUrlOf(config.database), poolMax: 1 }, { queryTimeoutMs: null });
  try {
    return await migrateToLatest(session.db);
  } finally {
    await session.close();
  }
}

/** Neon names its pooled endpoints `<endpoint>-pooler.<region>…`. */
function looksLikeNeonPooler(url: string): boolean {
  try {
    return new URL(url).hostname.split('.')[0]!.endsWith('-pooler');
  } catch {
    return false;
  }
}

/**
 * The composition root: the only place that names concrete adapters. Each call builds a fresh
 * container, so tests can build many apps side by side; closing the app disposes of it.
 */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<HttpApp> {
  let app: HttpApp | undefined;
  const database =
    overrides.database ??
    (overrides.tasks
      ? null
      : await connectDatabase(config, (error) =>
          app?.log.warn({ err: error }, 'a database connection failed; the pool opens a new one when needed'),
        ));
  const owned = overrides.database === undefined && database !== null;
  // With no key source at all (development), a generated secret lets `pnpm token` work. With only a JWKS
  // configured, HMAC tokens stay refused: nobody has a secret to sign them with.
  const devSecret = config.authSecret === null && config.jwks === null ? await developmentSecret(config.dataDir) : null;
  const jwks =
    config.jwks === null
      ? null
      : new JwksKeySource({
          ...config.jwks,
          onFetchError: (error) => app?.log.warn({ err: error }, 'JWKS fetch failed; the keys already cached stay in use'),
        });
  // Not connected yet (that is `start`, once the app exists, so that an unreachable Redis is logged).
  const redisConnection =
    config.redis === null
      ? null
      : await RedisConnection.open({
          url: config.redis.url,
          timeoutMs: config.redis.timeoutMs,
          clientName: `${config.redis.keyPrefix}api`,
          onUnavailable: (error) =>
            app?.log.warn({ err: error }, 'Redis unavailable: requests are served, rate limits are not counted until it is back'),
          onAvailable: () => app?.log.info('Redis available again: rate limits are counted'),
        });
  const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  container.register({
    config: asValue(config),
    database: asFunction(() => database)
      .singleton()
      .disposer(async (connection) => {
        if (owned) await connection?.close();
      }),
    redis: asFunction(() => redisConnection)
      .singleton()
      .disposer((connection) => connection?.stop()),
    metrics: asFunction(({ database }: Cradle) => {
      const metrics = new MetricsRegistry();
      if (database !== null) registerPoolGauges(metrics, database);
      return metrics;
    }).singleton(),
    clock: asValue(overrides.clock ?? systemClock),
    tasks: overrides.tasks
      ? asValue(overrides.tasks)
      : asFunction(({ database }: Cradle) => {
          if (database === null) throw new Error('no database to keep tasks in');
          return new KyselyTaskRepository(database.db, database.run);
        }).singleton(),
    // The feed is kept by the store that keeps the tasks.
    changes: asFunction(({ database, tasks }: Cradle) => {
      if (overrides.tasks === undefined) return new KyselyTaskChangeFeed(database!.db);
      const feed = overrides.changes ?? (isChangeFeed(tasks) ? tasks : null);
      if (feed === null) throw new Error('the tasks override keeps no change feed: pass overrides.changes');
      return feed;
    }).singleton(),
    // Across instances through PostgreSQL; within the process when the process holds the data (PGlite, memory).
    signals: asFunction(({ database }: Cradle) => {
      if (database === null || database.target.kind !== 'postgres') return new InProcessChangeSignals();
      const { url, directUrl, searchPath } = database.target;
      return new PostgresChangeSignals({
        db: database.db,
        listenUrl: directUrl ?? url,
        // Instances on one database share the channel; a test's own schema keeps its signals to itself.
        ...(searchPath === undefined ? {} : { channel: `todo_task_changes_${searchPath}` }),
        onListening: (listening, reason) => app?.log[listening ? 'info' : 'warn'](reason),
        onError: (error, during) => app?.log.warn({ err: error }, `change signals: ${during} failed`),
      });
    })
      .singleton()
      .disposer((signals) => signals.stop()),
    // Idempotency keys live beside the tasks: in the database, or in memory over the in-memory repository.
    idempotency: asFunction(({ database, tasks }: Cradle) =>
      database === null ? new InMemoryIdempotencyStore(tasks) : new KyselyIdempotencyStore(database.db),
    ).singleton(),
    taskUseCases: asFunction(createTaskUseCases).singleton(),
  });

  try {
    if (database !== null && config.migrateOnStart) await migrateDatabase(config, database);
    const { redis, metrics } = container.cradle;
    if (config.metricsToken !== null) metrics.collectProcessMetrics();
    metrics.registerGauge({ name: 'event_streams_open', help: 'Event streams (GET /tasks/events) open on this instance', read: () => app?.openEventStreams() ?? 0 });
    const logDestination = overrides.logDestination ?? (await defaultLogDestination(config));
    app = await createHttpApp({
      useCases: container.cradle.taskUseCases,
      auth: {
        hmacSecret: config.authSecret ?? devSecret?.secret ?? null,
        jwks,
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
        clockSkewSeconds: config.clockSkewSeconds,
      },
      authorizationServers: config.betterAuthUrl === null ? [] : [config.betterAuthUrl],
      corsOrigins: config.corsOrigins,
      checkReadiness: async () => {
        await container.cradle.database?.ping();
      },
      logger: loggerOptions(config, logDestination, secretsOf(config, devSecret?.secret ?? null)),
      rateLimit:
        config.rateLimitPerMinute > 0
          ? {
              max: config.rateLimitPerMinute,
              windowMs: 60_000,
              redis: redis === null || config.redis === null ? null : { client: redis.client, keyPrefix: config.redis.keyPrefix },
            }
          : null,
      trustProxy: config.trustProxy,
      bodyLimitBytes: config.bodyLimitBytes,
      overload: config.overload,
      metrics: config.metricsToken === null ? null : { registry: metrics, token: config.metricsToken },
      strictTransportSecurity: config.environment === 'production',
      version: VERSION,
      events: { keepAliveMs: config.eventsKeepAliveMs, maxStreamsPerUser: MAX_EVENT_STREAMS_PER_USER },
    });
    app.addHook('onClose', () => container.dispose());
    // After the app exists, so that an unreachable Redis is logged; requests never wait for it.
    await redis?.start();
    container.cradle.signals.start();
    if (devSecret !== null) {
      app.log.warn(
        { secretFile: devSecret.path },
        'BETTER_AUTH_SECRET is not set: using a development secret. Get a token with `pnpm token <user-id>`.',
      );
    }
    if (config.database.kind === 'postgres' && config.database.directUrl === null && looksLikeNeonPooler(config.database.url)) {
      app.log.warn(
        'DATABASE_URL is Neon\'s pooler and DATABASE_DIRECT_URL is not set: migrations and anything that needs a session ' +
          'of its own go through the pooler. Set DATABASE_DIRECT_URL to the same URL without "-pooler" in the host.',
      );
    }
    if (config.jwks !== null && (config.jwtIssuer === null || config.jwtAudience === null)) {
      app.log.warn(
        { jwksUrl: config.jwks.url },
        'JWKS tokens are accepted without an iss/aud check: set BETTER_AUTH_URL, or JWT_ISSUER and JWT_AUDIENCE',
      );
    }
    return app;
  } catch (error) {
    await container.dispose();
    throw error;
  }
}
