import {
  createHttpApp,
  InMemoryIdempotencyStore,
  JwksKeySource,
  KyselyIdempotencyStore,
  KyselyTaskRepository,
  migrateToLatest,
  openDatabase,
  type DatabaseConnection,
  type HttpApp,
  type MigrationReport,
} from '@todo/adapters';
import {
  createTaskUseCases,
  type Clock,
  type IdempotencyStore,
  type TaskRepository,
  type TaskUseCases,
} from '@todo/application';
import { asFunction, asValue, createContainer, InjectionMode } from 'awilix';
import { sessionUrlOf, type Config } from './config.js';
import { developmentSecret } from './dev-secret.js';

const VERSION = '0.1.0';

/** What the container holds: one of each, for the life of one app. */
interface Cradle {
  readonly config: Config;
  readonly database: DatabaseConnection | null;
  readonly clock: Clock;
  readonly tasks: TaskRepository;
  readonly idempotency: IdempotencyStore;
  readonly taskUseCases: TaskUseCases;
}

/** Replacements for tests: another repository (then no database is opened), clock or database. */
export interface AppOverrides {
  readonly tasks?: TaskRepository;
  readonly clock?: Clock;
  readonly database?: DatabaseConnection;
}

const systemClock: Clock = {
  // Millisecond precision, like the wire format and the database columns.
  now: () => new Date(),
};

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
  const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  container.register({
    config: asValue(config),
    database: asFunction(() => database)
      .singleton()
      .disposer(async (connection) => {
        if (owned) await connection?.close();
      }),
    clock: asValue(overrides.clock ?? systemClock),
    tasks: overrides.tasks
      ? asValue(overrides.tasks)
      : asFunction(({ database }: Cradle) => {
          if (database === null) throw new Error('no database to keep tasks in');
          return new KyselyTaskRepository(database.db);
        }).singleton(),
    // Idempotency keys live beside the tasks: in the database, or in memory over the in-memory repository.
    idempotency: asFunction(({ database, tasks }: Cradle) =>
      database === null ? new InMemoryIdempotencyStore(tasks) : new KyselyIdempotencyStore(database.db),
    ).singleton(),
    taskUseCases: asFunction(createTaskUseCases).singleton(),
  });

  try {
    if (database !== null && config.migrateOnStart) await migrateDatabase(config, database);
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
      logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
      rateLimit: config.rateLimitPerMinute > 0 ? { max: config.rateLimitPerMinute, windowMs: 60_000 } : null,
      trustProxy: config.trustProxy,
      bodyLimitBytes: 64 * 1024,
      version: VERSION,
    });
    app.addHook('onClose', () => container.dispose());
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
