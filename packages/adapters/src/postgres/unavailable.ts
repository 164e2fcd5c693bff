import { RepositoryUnavailableError } from '@todo/application';

/** Node's socket errors: the server (or the pooler in front of it) cannot be reached or dropped the connection. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/**
 * SQLSTATEs of a server that is going away or cannot take the work now. Class 08 (connection exceptions, which
 * PgBouncer also uses for "cannot connect to server" and its own timeouts) and 57P (admin or crash shutdown, cannot
 * connect now, database dropped, idle-session timeout) are matched by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '53300', // too_many_connections
  '57014', // query_canceled: the server's statement_timeout (set per transaction, or on the role)
  '25P03', // idle_in_transaction_session_timeout ended the session
]);
const UNAVAILABLE_SQLSTATE_PREFIXES = ['08', '57P'];
/** What pg and pg-pool say, without a code, when a connection could not be opened, died, or stopped answering. */
const CLIENT_MESSAGES = [
  /timeout exceeded when trying to connect/i, // pg-pool: no free connection in time
  /connection terminated/i, // "… unexpectedly", "… due to connection timeout"
  /not queryable/i, // a client whose connection already failed: "Client has encountered a connection error …"
  /^Query read timeout$/, // pg's query_timeout
  /connection discarded after a query timeout/, // connection.ts, for a ROLLBACK after that timeout
  /pool after calling end/i,
];

/** pg's `query_timeout` fired: the client stopped waiting, the statement may still be running on the server. */
export function isQueryTimeout(error: unknown): error is Error {
  return error instanceof Error && error.message === 'Query read timeout';
}

/** True when an error means "the database cannot be reached now" rather than "this query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (isUnavailableItself(cause)) return true;
    // Node reports a refused connection to a name with several addresses as an AggregateError of one per address.
    if (cause instanceof AggregateError && cause.errors.some(isUnavailableItself)) return true;
  }
  return false;
}

function isUnavailableItself(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (UNAVAILABLE_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
  }
  return CLIENT_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Throws the error again, as the port's `RepositoryUnavailableError` when it means "unreachable": a `catch` handler. */
export function rethrowUnavailable(error: unknown): never {
  throw isDatabaseUnavailable(error) ? new RepositoryUnavailableError({ cause: error }) : error;
}

/** Runs a database call, turning "unreachable" into the port's `RepositoryUnavailableError`. */
export async function translateUnavailable<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    rethrowUnavailable(error);
  }
}
