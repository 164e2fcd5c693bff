import { RepositoryUnavailableError, type UseCaseError, type UseCaseErrorCode } from '@todo/application';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { invalidInput, problem, problemTitle, sendProblem, type Problem } from './problem.js';
import { BODY_NOT_UTF8, fieldErrors } from './validation.js';

/** Carries an expected domain failure from a route to the one place that turns it into HTTP. */
export class DomainFailure extends Error {
  readonly failure: UseCaseError;

  constructor(failure: UseCaseError) {
    super(failure.code);
    this.name = 'DomainFailure';
    this.failure = failure;
  }
}

/** Every domain error code has exactly one answer; a new code does not compile until it is mapped here. */
const DOMAIN_PROBLEMS = {
  'task.not_found': () => problem(404, 'task-not-found', 'No such task.'),
  'task.invalid': (failure) => invalidInput(failure.issues),
  'task.version_mismatch': () =>
    problem(412, 'precondition-failed', 'The task changed since you read it: get it again, then retry with its new ETag.'),
  'idempotency.key_reused': () =>
    invalidInput([{ field: 'idempotency-key', message: 'was already used with a different request body' }], 'idempotency-key-reused'),
  'idempotency.key_in_flight': () =>
    problem(409, 'idempotency-key-in-flight', 'A request with this Idempotency-Key is still being processed: retry shortly.'),
} satisfies { [Code in UseCaseErrorCode]: (failure: Extract<UseCaseError, { code: Code }>) => Problem };

function domainProblem(failure: UseCaseError): Problem {
  const toProblem = DOMAIN_PROBLEMS[failure.code] as (failure: UseCaseError) => Problem;
  return toProblem(failure);
}

/** Framework errors a client caused, by Fastify's code. */
const CLIENT_PROBLEMS: Record<string, (error: FastifyError) => Problem> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => problem(413, 'body-too-large', 'The request body is too large.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => problem(415, 'unsupported-media-type', 'Send the body as application/json.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => problem(400, 'bad-request', 'The Content-Length does not match the body.'),
  // Like FastAPI, which existing frontends were written against: malformed JSON is a 422 on the body.
  FST_ERR_CTP_INVALID_JSON_BODY: () => jsonSyntaxProblem(),
  [BODY_NOT_UTF8]: () => invalidInput([{ field: 'body', message: 'is not valid UTF-8' }]),
};

const jsonSyntaxProblem = () => invalidInput([{ field: 'body', message: 'is not valid JSON' }]);

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof DomainFailure) return sendProblem(reply, domainProblem(error.failure));
      if (error.validation) {
        return sendProblem(reply, invalidInput(fieldErrors(error.validation, error.validationContext)));
      }
      if (error instanceof RepositoryUnavailableError) {
        request.log.error({ err: error }, 'database unavailable');
        reply.header('retry-after', '5');
        return sendProblem(reply, problem(503, 'database-unavailable', 'The service cannot reach its database. Try again shortly.'));
      }
      const known = error.code ? CLIENT_PROBLEMS[error.code] : undefined;
      if (known) return sendProblem(reply, known(error));
      if (error instanceof SyntaxError && error.statusCode === 400) return sendProblem(reply, jsonSyntaxProblem());
      const status = error.statusCode ?? 500;
      if (status === 429) return sendProblem(reply, problem(429, 'rate-limited', 'Too many requests. Slow down and retry later.'));
      if (status >= 400 && status < 500) {
        const slug = problemTitle(status).toLowerCase().replaceAll(' ', '-');
        return sendProblem(reply, problem(status, slug, error.message || 'The request cannot be served.'));
      }
      // Unexpected: the log gets everything, tied to the request id; the client gets nothing internal.
      request.log.error({ err: error }, 'unexpected error');
      return sendProblem(reply, problem(500, 'internal-error', `Something went wrong. Quote request id ${request.id} when reporting it.`));
    });

    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, problem(404, 'not-found', `No route for ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}.`)),
    );
  },
  { name: 'error-handler' },
);
