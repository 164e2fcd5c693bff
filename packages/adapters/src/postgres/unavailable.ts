import { RepositoryUnavailableError } from '@todo/application';

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);
// SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const POOL_MESSAGES = [/timeout exceeded when trying to connect/i, /connection terminated/i, /pool after calling end/i];

/** True when an error means "the database cannot be reached now" rather than "this query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  return POOL_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Runs a database call, turning "unreachable" into the port's `RepositoryUnavailableError`. */
export async function translateUnavailable<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw isDatabaseUnavailable(error) ? new RepositoryUnavailableError({ cause: error }) : error;
  }
}
