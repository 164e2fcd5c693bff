import type { FieldError, Problem } from './types.js';

/** Every failure of the client: the API's problem answer, or (status 0) no answer at all. */
export class TodoApiError extends Error {
  /** The HTTP status; 0 when the API could not be reached. */
  readonly status: number;
  /** Human readable and safe to show to a user. */
  readonly detail: string;
  /** On 422, each invalid field; empty otherwise. */
  readonly errors: readonly FieldError[];
  /** A URI naming the kind of problem (`urn:todo-api:problem:validation-failed`…). */
  readonly type: string;
  readonly title: string;

  constructor(problem: Problem, options?: { cause?: unknown }) {
    super(problem.detail, options);
    this.name = 'TodoApiError';
    this.status = problem.status;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.type = problem.type;
    this.title = problem.title;
  }
}

export const NETWORK_ERROR_TYPE = 'urn:todo-client:problem:network-error';

export const networkError = (baseUrl: string, cause: unknown): TodoApiError =>
  new TodoApiError(
    { type: NETWORK_ERROR_TYPE, title: 'Network Error', status: 0, detail: `The Todo API at ${baseUrl} cannot be reached.` },
    { cause },
  );

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Problem).detail === 'string' &&
  typeof (body as Problem).status === 'number';

/** The error an unsuccessful response stands for; a body that is not a problem still gives a readable detail. */
export async function errorOf(response: Response): Promise<TodoApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isProblem(body)) {
    return new TodoApiError({
      type: typeof body.type === 'string' ? body.type : 'about:blank',
      title: typeof body.title === 'string' ? body.title : response.statusText,
      status: response.status,
      detail: body.detail,
      ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
    });
  }
  return new TodoApiError({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: `The Todo API answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
  });
}
