import type { UseCaseError, UseCaseErrorCode } from '@todo/application';
import { invalidInput, problem, type FieldError, type Problem } from './problem.js';

/**
 * Every use-case error code has exactly one answer, whichever adapter gives it (REST sends it as problem+json,
 * MCP as a tool error with the same `detail`); a new code does not compile until it is mapped here.
 */
const USE_CASE_PROBLEMS = {
  'task.not_found': () => problem(404, 'task-not-found', 'No such task.'),
  'task.invalid': (failure) => invalidFieldsProblem(failure.issues),
  'task.version_mismatch': () =>
    problem(412, 'precondition-failed', 'The task changed since you read it: get it again, then retry with its new ETag.'),
  'idempotency.key_reused': () =>
    invalidInput([{ field: 'idempotency-key', message: 'was already used with a different request body' }], 'idempotency-key-reused'),
  'feed.cursor_expired': () =>
    problem(
      410,
      'cursor-expired',
      'This cursor is expired, malformed or not yours: start over with a full sync (GET /tasks/changes without since).',
    ),
  'idempotency.key_in_flight': () =>
    problem(409, 'idempotency-key-in-flight', 'A request with this Idempotency-Key is still being processed: retry shortly.'),
} satisfies { [Code in UseCaseErrorCode]: (failure: Extract<UseCaseError, { code: Code }>) => Problem };

export function useCaseProblem(failure: UseCaseError): Problem {
  const toProblem = USE_CASE_PROBLEMS[failure.code] as (failure: UseCaseError) => Problem;
  return toProblem(failure);
}

/** Input that a schema or the domain refused: `detail` names each field and what is wrong with it. */
export const invalidFieldsProblem = (errors: readonly FieldError[]): Problem => invalidInput(errors);

export const databaseUnavailableProblem = (): Problem =>
  problem(503, 'database-unavailable', 'The service cannot reach its database. Try again shortly.');

/** Says nothing internal: the log has the details, under this request id. */
export const unexpectedProblem = (requestId: string): Problem =>
  problem(500, 'internal-error', `Something went wrong. Quote request id ${requestId} when reporting it.`);
