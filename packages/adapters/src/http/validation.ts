import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import type { FieldError } from './problem.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}

/**
 * Fastify's defaults would silently drop unknown body fields and turn `"title": 123` into "123".
 * Bodies are validated as sent; only the query string and path, which are text by nature, are coerced.
 */
export function useStrictValidation(app: FastifyInstance): void {
  const bodyAjv = makeAjv({ coerceTypes: false });
  const textAjv = makeAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
}

/** The code of the error a body that is not UTF-8 raises; the error handler answers it with a 422 on `body`. */
export const BODY_NOT_UTF8 = 'TODO_ERR_BODY_NOT_UTF8';

// JSON is UTF-8 (RFC 8259). Decoding with replacement would store U+FFFD for bytes the client sent: refuse instead.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON is the only body this API reads (anything else is 415). Frontends send `Content-Type: application/json`
 * with no body on DELETE and /complete: that is "no body" (null), not a syntax error.
 */
export function acceptJsonBodiesOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = typeof body === 'string' ? body : utf8.decode(body);
    } catch {
      done(Object.assign(new Error('the request body is not UTF-8'), { statusCode: 400, code: BODY_NOT_UTF8 }), undefined);
      return;
    }
    if (text.trim().length === 0) done(null, null);
    else void parseJson(request, text, done);
  });
}

function describe(issue: FastifySchemaValidationError): string {
  const params = issue.params as { additionalProperty?: string; allowedValues?: unknown[]; type?: string | string[] };
  if (params.additionalProperty !== undefined) return 'is not a known field';
  if (issue.keyword === 'type' && params.type !== undefined) return `must be ${[params.type].flat().join(' or ')}`;
  if (params.allowedValues !== undefined) return `must be one of: ${params.allowedValues.join(', ')}`;
  if (issue.keyword === 'format' && (issue.params as { format?: string }).format === 'date-time') {
    return 'must be an ISO 8601 date-time with a time zone, like 2026-01-31T17:00:00Z';
  }
  if (issue.keyword === 'pattern' && /if-(none-)?match$/.test(issue.instancePath)) {
    return 'must be entity tags as this service sends them in ETag (like "3"), comma-separated, or *';
  }
  return issue.message ?? 'is invalid';
}

/** Query parameters and headers are flat: `tag.1` (the second `tag=`) is reported as `tag`. */
const FLAT_PARTS = new Set(['querystring', 'headers', 'params']);

/** The member names of a JSON pointer (`/tags/1` → `tags`, `1`), unescaped: a name may hold `/`, `~` or `.`. */
const pointerSegments = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));

/** Names each invalid field the way the client wrote it, once, with the first thing wrong with it. */
export function fieldErrors(validation: readonly FastifySchemaValidationError[], part: string | undefined): FieldError[] {
  const byField = new Map<string, string>();
  for (const issue of validation) {
    const params = issue.params as { missingProperty?: string; additionalProperty?: string };
    const member = params.missingProperty ?? params.additionalProperty;
    const segments = [...pointerSegments(issue.instancePath), ...(member === undefined ? [] : [member])];
    const flat = part !== undefined && FLAT_PARTS.has(part);
    // A member may be named "" (`{"": 1}`): it is still that member, not the body as a whole.
    const field = segments.length === 0 ? (part ?? 'body') : flat ? segments[0]! : segments.join('.');
    if (!byField.has(field)) byField.set(field, describe(issue));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}
