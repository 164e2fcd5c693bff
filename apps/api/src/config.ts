import { resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Env = Type.Object({
  NODE_ENV: Type.Enum(['development', 'test', 'production'], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8000 }),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  NEON_DB_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_DIRECT_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  DATA_DIR: Type.String({ minLength: 1, default: '.data' }),
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  BETTER_AUTH_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  JWT_CLOCK_SKEW_SECONDS: Type.Integer({ minimum: 0, maximum: 300, default: 30 }),
  BETTER_AUTH_URL: Type.Optional(Type.String({ minLength: 1 })),
  JWKS_URL: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  JWKS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  JWKS_REFETCH_COOLDOWN_SECONDS: Type.Number({ minimum: 0, maximum: 3600, default: 30 }),
  JWKS_CACHE_MAX_AGE_SECONDS: Type.Number({ minimum: 0, maximum: 86_400, default: 600 }),
  CORS_ORIGINS: Type.Optional(Type.String()),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 0, default: 600 }),
  EVENTS_KEEP_ALIVE_SECONDS: Type.Number({ minimum: 0.05, maximum: 25, default: 15 }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, default: 64 * 1024 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, maxLength: 100, default: 'todo-api:' }),
  REDIS_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 10_000, default: 500 }),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000 }),
  MAX_HEAP_USED_BYTES: Type.Integer({ minimum: 0, default: 0 }),
  MAX_RSS_BYTES: Type.Integer({ minimum: 0, default: 0 }),
  PRESSURE_SAMPLE_INTERVAL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000 }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
});

type Env = Static<typeof Env>;

export type DatabaseConfig =
  | {
      readonly kind: 'postgres';
      /** What requests use: may be a pooler in transaction mode (Neon's `-pooler` host), so no session state. */
      readonly url: string;
      /**
       * A direct connection to the same database, for work that needs a session of its own: migrations (Kysely's
       * migrator holds a session-level advisory lock) and listening for notifications. `null`: `url` is direct.
       */
      readonly directUrl: string | null;
      readonly poolMax: number;
    }
  | { readonly kind: 'pglite'; readonly dataDir: string };

/** The URL for work that needs a session of its own (see `directUrl`). */
export const sessionUrlOf = (database: Extract<DatabaseConfig, { kind: 'postgres' }>): string => database.directUrl ?? database.url;

/** Where Better Auth publishes its public keys, and how we cache them (see JwksKeySource). */
export interface JwksConfig {
  readonly url: string;
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
}

export interface Config {
  readonly environment: Env['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly dataDir: string;
  readonly migrateOnStart: boolean;
  /** `null`: HMAC tokens are refused; outside production with no JWKS either, one is generated under DATA_DIR (see dev-secret.ts). */
  readonly authSecret: string | null;
  readonly clockSkewSeconds: number;
  /** `null`: no JWKS, so asymmetric tokens (Better Auth's jwt() plugin) are refused. */
  readonly jwks: JwksConfig | null;
  /** `BETTER_AUTH_URL` without a trailing slash: where MCP clients are told to get tokens. `null` when unset. */
  readonly betterAuthUrl: string | null;
  /** Expected `iss`/`aud` of tokens; `null`: not checked. */
  readonly jwtIssuer: string | null;
  readonly jwtAudience: string | null;
  readonly corsOrigins: readonly string[];
  readonly logLevel: Env['LOG_LEVEL'];
  /** Requests per user per minute; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  readonly trustProxy: boolean;
  /** How often an idle event stream sends `: keep-alive` (contract §9: at least every 25 s). */
  readonly eventsKeepAliveMs: number;
  /** Largest request body accepted; a larger one is 413. */
  readonly bodyLimitBytes: number;
  /** `null`: each instance counts rate limits alone. */
  readonly redis: RedisConfig | null;
  /** Load shedding thresholds (0 turns one off; all 0 turns shedding off). */
  readonly overload: OverloadConfig;
  /** `null`: no /metrics route. */
  readonly metricsToken: string | null;
}

/** Where rate-limit counters are shared by every instance. */
export interface RedisConfig {
  readonly url: string;
  /** Prefixes every key the service writes, so that several services (or test runs) can share one Redis. */
  readonly keyPrefix: string;
  /** Bounds connecting and each command: a slow Redis must not slow every request. */
  readonly timeoutMs: number;
}

export interface OverloadConfig {
  readonly maxEventLoopDelayMs: number;
  readonly maxHeapUsedBytes: number;
  readonly maxRssBytes: number;
  readonly sampleIntervalMs: number;
}

/** A setting that stops start-up; the message names it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MIN_PRODUCTION_SECRET_LENGTH = 32;
const MIN_PRODUCTION_METRICS_TOKEN_LENGTH = 32;
const DEVELOPMENT_CORS_ORIGINS = ['http://localhost:3000'];

const setOrUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

function parseOrigins(raw: string): string[] {
  const origins = raw.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com`);
    }
    if (parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS: "${origin}" must be a bare origin (scheme://host[:port]), e.g. ${parsed.origin}`);
    }
  }
  return origins;
}

function parseHttpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}: "${raw}" is not a URL like https://app.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name}: "${raw}" must be an http(s) URL`);
  if (url.username !== '' || url.password !== '') throw new ConfigError(`${name} must not contain credentials`);
  if (url.search !== '' || url.hash !== '') throw new ConfigError(`${name}: "${raw}" must not have a query or fragment`);
  return url;
}

/**
 * Better Auth's own rule (better-auth 1.7 `withPath`): a base URL without a path gets the default base path
 * `/api/auth`; one with a path is the auth base itself. The JWKS is `<auth base>/jwks`; `iss` and `aud` are the origin.
 */
function betterAuthJwksUrl(base: URL): string {
  const path = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${path === '' ? '/api/auth' : path}/jwks`;
}

/** Reads the configuration once, from the given environment. Nothing else reads `process.env`. */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  const names = Object.keys(Env.properties);
  const given = Object.fromEntries(names.flatMap((name) => {
    const value = setOrUndefined(environment[name]);
    return value === undefined ? [] : [[name, value]];
  }));
  const env = Value.Convert(Env, Value.Default(Env, given));
  if (!Value.Check(Env, env)) {
    const problems = [...Value.Errors(Env, env)].map((error) => `${error.instancePath.slice(1) || 'environment'} ${error.message}`);
    throw new ConfigError(`invalid configuration: ${[...new Set(problems)].join('; ')}`);
  }

  const production = env.NODE_ENV === 'production';
  const betterAuthUrl = env.BETTER_AUTH_URL === undefined ? null : parseHttpUrl('BETTER_AUTH_URL', env.BETTER_AUTH_URL);
  const jwksUrl =
    env.JWKS_URL !== undefined
      ? parseHttpUrl('JWKS_URL', env.JWKS_URL).href
      : betterAuthUrl === null
        ? null
        : betterAuthJwksUrl(betterAuthUrl);
  if (production && env.BETTER_AUTH_SECRET === undefined && jwksUrl === null) {
    throw new ConfigError(
      'BETTER_AUTH_SECRET is required when NODE_ENV=production (the secret your Better Auth app signs with), ' +
        'unless BETTER_AUTH_URL or JWKS_URL is set (tokens of the jwt() plugin only)',
    );
  }
  if (production && jwksUrl !== null && env.JWKS_REFETCH_COOLDOWN_SECONDS < 1) {
    throw new ConfigError(
      'JWKS_REFETCH_COOLDOWN_SECONDS must be at least 1 when NODE_ENV=production (each unknown kid could fetch the JWKS otherwise)',
    );
  }
  if (production && env.BETTER_AUTH_SECRET !== undefined && env.BETTER_AUTH_SECRET.length < MIN_PRODUCTION_SECRET_LENGTH) {
    throw new ConfigError(`BETTER_AUTH_SECRET must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production`);
  }

  if (
    production &&
    env.METRICS_TOKEN !== undefined &&
    env.METRICS_TOKEN.length < MIN_PRODUCTION_METRICS_TOKEN_LENGTH
  ) {
    throw new ConfigError(`METRICS_TOKEN must be at least ${MIN_PRODUCTION_METRICS_TOKEN_LENGTH} characters when NODE_ENV=production`);
  }

  const databaseUrl = env.DATABASE_URL ?? env.NEON_DB_URL;
  if (env.DATABASE_DIRECT_URL !== undefined && databaseUrl === undefined) {
    throw new ConfigError('DATABASE_DIRECT_URL is set but DATABASE_URL is not: set DATABASE_URL (the pooled URL) as well');
  }
  const dataDir = resolve(env.DATA_DIR);
  return Object.freeze({
    environment: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    database: databaseUrl
      ? { kind: 'postgres', url: databaseUrl, directUrl: env.DATABASE_DIRECT_URL ?? null, poolMax: env.DATABASE_POOL_MAX }
      : { kind: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    dataDir,
    migrateOnStart: env.MIGRATE_ON_START,
    authSecret: env.BETTER_AUTH_SECRET ?? null,
    clockSkewSeconds: env.JWT_CLOCK_SKEW_SECONDS,
    jwks:
      jwksUrl === null
        ? null
        : Object.freeze({
            url: jwksUrl,
            timeoutMs: env.JWKS_TIMEOUT_MS,
            cooldownMs: Math.round(env.JWKS_REFETCH_COOLDOWN_SECONDS * 1000),
            maxAgeMs: Math.round(env.JWKS_CACHE_MAX_AGE_SECONDS * 1000),
          }),
    betterAuthUrl: betterAuthUrl === null ? null : betterAuthUrl.href.replace(/\/+$/, ''),
    jwtIssuer: env.JWT_ISSUER ?? betterAuthUrl?.origin ?? null,
    jwtAudience: env.JWT_AUDIENCE ?? betterAuthUrl?.origin ?? null,
    corsOrigins: Object.freeze(
      env.CORS_ORIGINS !== undefined ? parseOrigins(env.CORS_ORIGINS) : production ? [] : DEVELOPMENT_CORS_ORIGINS,
    ),
    logLevel: env.LOG_LEVEL,
    rateLimitPerMinute: env.RATE_LIMIT_MAX,
    trustProxy: env.TRUST_PROXY,
    eventsKeepAliveMs: Math.round(env.EVENTS_KEEP_ALIVE_SECONDS * 1000),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    redis:
      env.REDIS_URL === undefined
        ? null
        : Object.freeze({ url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, timeoutMs: env.REDIS_TIMEOUT_MS }),
    overload: Object.freeze({
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: env.MAX_HEAP_USED_BYTES,
      maxRssBytes: env.MAX_RSS_BYTES,
      sampleIntervalMs: env.PRESSURE_SAMPLE_INTERVAL_MS,
    }),
    metricsToken: env.METRICS_TOKEN ?? null,
  } satisfies Config);
}
