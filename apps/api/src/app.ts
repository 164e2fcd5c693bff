import {
  createHttpApp,
  KyselyTaskRepository,
  migrateToLatest,
  openDatabase,
  type DatabaseConnection,
  type HttpApp,
} from '@todo/adapters';
import { createTaskUseCases, type Clock, type TaskRepository, type TaskUseCases } from '@todo/application';
import { asFunction, asValue, createContainer, InjectionMode } from 'awilix';
import type { Config } from './config.js';
import { developmentSecret } from './dev-secret.js';

const VERSION = '0.1.0';

/** What the container holds: one of each, for the life of one app. */
interface Cradle {
  readonly config: Config;
  readonly database: DatabaseConnection | null;
  readonly clock: Clock;
  readonly tasks: TaskRepository;
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

export function connectDatabase(config: Config, onIdleError?: (error: Error) => void): Promise<DatabaseConnection> {
  return openDatabase(config.database, onIdleError ? { onIdleError } : {});
}

/**
 * The composition root: the only place that names concrete adapters. Each call builds a fresh
 * container, so tests can build many apps side by side; closing the app disposes of it.
 */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<HttpApp> {
  const database = overrides.database ?? (overrides.tasks ? null : await connectDatabase(config));
  const owned = overrides.database === undefined && database !== null;
  const devSecret = config.authSecret === null ? await developmentSecret(config.dataDir) : null;

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
    taskUseCases: asFunction(createTaskUseCases).singleton(),
  });

  try {
    if (database !== null && config.migrateOnStart) await migrateToLatest(database.db);
    const app = await createHttpApp({
      useCases: container.cradle.taskUseCases,
      auth: { secret: config.authSecret ?? devSecret!.secret, clockSkewSeconds: config.clockSkewSeconds },
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
    return app;
  } catch (error) {
    await container.dispose();
    throw error;
  }
}
