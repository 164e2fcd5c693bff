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
    detail: Type.String({
      description:
        'What went wrong, safe to show to a user. On 422, each invalid field and what is wrong with it, ' +
        'joined by "; " (`title: must not be empty; priority: must be one of: low, medium, high`).',
    }),
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
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
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

// A field name shown as it is: letters of any script, digits, `_`, `.` and `-` (`title`, `tags.1`, `idempotency-key`).
const PLAIN_FIELD = /^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_.-]{0,63}$/u;
// Characters a person cannot see or that change how the text around them reads: controls, format and bidi
// characters, unpaired surrogates, private use, unassigned code points, line and paragraph separators.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/gu;
const FIELD_SHOWN_MAX = 64;

/**
 * How `detail` names a field. An unknown member of a body or query can be any string: it is quoted, cut to 64
 * characters and has its invisible characters spelt out (`"x\u0000"`), so the sentence stays readable and
 * unambiguous. `errors` keeps the exact name for code.
 */
export function fieldLabel(field: string): string {
  if (PLAIN_FIELD.test(field)) return field;
  const characters = [...field];
  const shown = characters.slice(0, FIELD_SHOWN_MAX).join('').replace(/["\\]/g, (character) => `\\${character}`);
  const escaped = shown.replace(UNPRINTABLE, (character) => {
    const codePoint = character.codePointAt(0)!;
    return codePoint > 0xffff ? `\\u{${codePoint.toString(16)}}` : `\\u${codePoint.toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}${characters.length > FIELD_SHOWN_MAX ? '…' : ''}"`;
}

/** A 422 whose `detail` a person can read: each invalid field and what is wrong with it (`title: must not be empty`). */
export function invalidInput(errors: readonly FieldError[], slug = 'validation-failed'): Problem {
  const detail = errors.map(({ field, message }) => `${fieldLabel(field)}: ${message}`).join('; ');
  return problem(422, slug, detail || 'The request is not valid.', errors);
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
