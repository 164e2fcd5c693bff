import { TodoApiError } from '@todo/client';

/** The sentence to show for a failure: the API's `detail` when it gave one. */
export const detailOf = (error: unknown): string =>
  error instanceof TodoApiError ? error.detail : 'Something went wrong. Please try again.';
