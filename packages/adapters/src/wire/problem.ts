import type { FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';

export const FieldErrorSchema = Type.Object({
  field: Type.String({ description: 'The invalid field, as the request named it (`title`, `cursor`, `body`…).' }),
  message: Type.String(),
});

/** RFC 9457 problem details: every error of this API has this shape. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem.' }),
    title: Type.String({ description: 'A short summary of the kind of problem.' }),
    status: Type.Integer({ description: 'The HTTP status code.' }),
    detail: Type.String({ description: 'What went wrong, safe to show to a user.' }),
    errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'On 422: each invalid field.' })),
  },
  { $id: 'Problem', title: 'Problem' },
);

export type Problem = Static<typeof ProblemSchema>;
export type FieldError = Static<typeof FieldErrorSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const problemTitle = (status: number): string => TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');

export function problem(status: number, slug: string, detail: string, errors?: readonly FieldError[]): Problem {
  return {
    type: `urn:todo-api:problem:${slug}`,
    title: problemTitle(status),
    status,
    detail,
    ...(errors === undefined ? {} : { errors: [...errors] }),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** The error responses a route documents, each a problem+json body. */
export function problemResponses<const Statuses extends readonly number[]>(...statuses: Statuses) {
  const responses = statuses.map((status) => [
    status,
    { description: problemTitle(status), content: { 'application/problem+json': { schema: Type.Ref('Problem') } } },
  ]);
  return Object.fromEntries(responses) as unknown as {
    [S in Statuses[number]]: typeof ProblemSchema;
  };
}
