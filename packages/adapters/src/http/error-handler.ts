import { RepositoryUnavailableError, type UseCaseError } from '@todo/application';
import type { FastifyError, FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Result } from '@todo/domain';
import fp from 'fastify-plugin';
import { invalidInput, problem, problemTitle, sendProblem, type Problem } from '../wire/problem.js';
import {
  databaseUnavailableProblem,
  invalidFieldsProblem,
  unexpectedProblem,
  useCaseProblem,
} from '../wire/use-case-problems.js';
import { fieldErrors } from '../wire/validation.js';
import { BODY_NOT_UTF8 } from './validation.js';

/** Carries an expected domain failure from a route to the one place that turns it into HTTP. */
export class DomainFailure extends Error {
  readonly failure: UseCaseError;

  constructor(failure: UseCaseError) {
    super(failure.code);
    this.name = 'DomainFailure';
    this.failure = failure;
  }
}

/** Hands a success on, or throws the failure for the error handler to map. */
export function valueOf<T>(result: Result<T, UseCaseError>): T {
  if (!result.ok) throw new DomainFailure(result.error);
  return result.value;
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

export interface ErrorHandlerOptions {
  /** Runs before the not-found handler (which no `onRoute` hook sees): how metrics count requests matching no route. */
  readonly notFoundPreHandler?: preHandlerHookHandler;
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance, options: ErrorHandlerOptions) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof DomainFailure) return sendProblem(reply, useCaseProblem(error.failure));
      if (error.validation) return sendProblem(reply, invalidFieldsProblem(fieldErrors(error.validation, error.validationContext)));
      if (error instanceof RepositoryUnavailableError) {
        request.log.error({ err: error }, 'database unavailable');
        reply.header('retry-after', '5');
        return sendProblem(reply, databaseUnavailableProblem());
      }
      if (error.code === 'FST_UNDER_PRESSURE') {
        // @fastify/under-pressure has set Retry-After.
        return sendProblem(reply, problem(503, 'overloaded', 'The service is overloaded. Try again shortly.'));
      }
      const known = error.code ? CLIENT_PROBLEMS[error.code] : undefined;
      if (known) return sendProblem(reply, known(error));
      if (error instanceof SyntaxError && error.statusCode === 400) return sendProblem(reply, jsonSyntaxProblem());
      const status = error.statusCode ?? 500;
      if (status === 429) {
        // Every 429 says when to come back, whichever limiter sent it; a window about to end still means "wait a second".
        if (!(Number(reply.getHeader('retry-after')) >= 1)) reply.header('retry-after', '1');
        return sendProblem(reply, problem(429, 'rate-limited', 'Too many requests. Slow down and retry later.'));
      }
      if (status >= 400 && status < 500) {
        const slug = problemTitle(status).toLowerCase().replaceAll(' ', '-');
        return sendProblem(reply, problem(status, slug, error.message || 'The request cannot be served.'));
      }
      // Unexpected: the log gets everything, tied to the request id; the client gets nothing internal.
      request.log.error({ err: error }, 'unexpected error');
      return sendProblem(reply, unexpectedProblem(request.id));
    });

    app.setNotFoundHandler(options.notFoundPreHandler ? { preHandler: options.notFoundPreHandler } : {}, (request, reply) =>
      sendProblem(reply, problem(404, 'not-found', `No route for ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}.`)),
    );
  },
  { name: 'error-handler' },
);
