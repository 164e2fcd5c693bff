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

/**
 * JSON is the only body this API reads (anything else is 415). Frontends send `Content-Type: application/json`
 * with no body on DELETE and /complete: that is "no body" (null), not a syntax error.
 */
export function acceptJsonBodiesOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim().length === 0) done(null, null);
    else void parseJson(request, text, done);
  });
}
