import type { HttpAppOptions } from '@todo/adapters';
import { pino } from 'pino';
import type { Config } from './config.js';

/** Where log lines go: one serialised line per `write`. */
export interface LogDestination {
  write(line: string): unknown;
}

const REDACTED = '[REDACTED]';

/** Credentials that may sit in a logged object, whatever their value: blanked by pino before a line is written. */
const REDACTED_PATHS = ['.authorization', '.cookie', '["set-cookie"]'].flatMap((header) => [
  `req.headers${header}`,
  `res.headers${header}`,
  `headers${header}`,
  `*.headers${header}`,
]);

/** Query parameters that look like credentials: the API never reads one, but a client may still send it. */
const CREDENTIAL_QUERY_PARAMETER = /([?&](?:access_token|id_token|token|jwt|api_key|apikey|key|secret|password|auth|session)=)[^&#]*/gi;

/** Fastify's request serialiser, with credential-looking query values blanked. */
function serializeRequest(request: {
  method: string;
  url: string;
  host: string;
  ip: string;
  socket?: { remotePort?: number | undefined } | null;
}) {
  return {
    method: request.method,
    url: request.url.includes('?') ? request.url.replace(CREDENTIAL_QUERY_PARAMETER, `$1${REDACTED}`) : request.url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Shorter values are not worth the name of secret, and blanking them would garble every line that contains them. */
const MIN_SCRUBBED_LENGTH = 6;

/** Every spelling under which a secret can appear in a JSON log line: as is, JSON-escaped, percent-encoded. */
function spellings(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
  try {
    forms.push(decodeURIComponent(secret));
  } catch {
    // Not percent-encoded: nothing more to add.
  }
  return forms;
}

function urlPassword(url: string): string | null {
  try {
    return new URL(url).password || null;
  } catch {
    return null;
  }
}

/** The secret values of this configuration (and a generated development secret), which no log line may contain. */
export function secretsOf(config: Config, developmentSecret: string | null): string[] {
  const values = [
    config.authSecret,
    developmentSecret,
    config.metricsToken,
    config.database.kind === 'postgres' ? urlPassword(config.database.url) : null,
    config.redis === null ? null : urlPassword(config.redis.url),
  ];
  const secrets = values.filter((value): value is string => value !== null).flatMap(spellings);
  return [...new Set(secrets.filter((secret) => secret.length >= MIN_SCRUBBED_LENGTH))].sort((a, b) => b.length - a.length);
}

/**
 * A last line of defence: whatever a log line carries (an error message quoting the connection string, an object
 * logged whole), the known secret values never leave the process. Tokens of users are not known in advance: they
 * are kept out by the redacted paths, and by never logging a header or a body.
 */
export function scrubbing(destination: LogDestination, secrets: readonly string[]): LogDestination {
  if (secrets.length === 0) return destination;
  return {
    write(line: string) {
      let scrubbed = line;
      for (const secret of secrets) {
        if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, REDACTED);
      }
      return destination.write(scrubbed);
    },
  };
}

let standardOutput: LogDestination | undefined;

/** JSON lines on stdout, or readable lines when a developer watches a terminal. */
export async function defaultLogDestination(config: Config): Promise<LogDestination> {
  if (config.environment === 'development' && process.stdout.isTTY) {
    // Loaded only here: production never prints pretty lines, and pino-pretty with its dependencies slows the start.
    const { default: pinoPretty } = await import('pino-pretty');
    return pinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  }
  // One for the process: tests build many apps.
  standardOutput ??= pino.destination(1);
  return standardOutput;
}

/** Fastify's logger: level, redaction and the destination, with every line of a request carrying its `reqId`. */
export function loggerOptions(config: Config, destination: LogDestination, secrets: readonly string[]): HttpAppOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    serializers: { req: serializeRequest },
    stream: scrubbing(destination, secrets),
  };
}
