import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from './problem.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * The Ajv every JSON input is checked with. `coerceTypes: false` for JSON bodies and tool arguments: they are
 * validated as sent (`"title": 123` is refused, never turned into "123"); unknown fields are refused, never dropped.
 */
export function makeAjv(options: Options = { coerceTypes: false }): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}

/** One thing Ajv found wrong (Ajv's `ErrorObject`, Fastify's `FastifySchemaValidationError`). */
export interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

function describe(issue: ValidationIssue): string {
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

/**
 * Names each invalid field the way the client wrote it, once, with the first thing wrong with it. `part` is where
 * the input came from (Fastify's `httpPart`, or `arguments` for a tool call); a problem with the whole input is
 * reported under that name.
 */
export function fieldErrors(validation: readonly ValidationIssue[], part: string | undefined): FieldError[] {
  const byField = new Map<string, string>();
  for (const issue of validation) {
    const params = issue.params as { missingProperty?: string; additionalProperty?: string };
    const member = params.missingProperty ?? params.additionalProperty;
    const segments = [...pointerSegments(issue.instancePath), ...(member === undefined ? [] : [member])];
    const flat = part !== undefined && FLAT_PARTS.has(part);
    // A member may be named "" (`{"": 1}`): it is still that member, not the input as a whole.
    const field = segments.length === 0 ? (part ?? 'body') : flat ? segments[0]! : segments.join('.');
    if (!byField.has(field)) byField.set(field, describe(issue));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}
