import type { FastifyInstance } from 'fastify';
import { makeAjv } from '../wire/validation.js';

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
