import { createTodoClient, type TodoClient } from '@todo/client';
import { authClient } from './auth-client';

// The token lives in this module's memory only: never in storage, never in a URL. It is reused until a minute before
// it expires (tokens last 15 minutes), so not every API request costs a round trip to /api/auth/token.
let cached: { readonly token: string; readonly expiresAt: number } | null = null;
let pending: Promise<string> | null = null;
let generation = 0;

const REFRESH_MARGIN_MS = 60_000;

function expiresAt(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/** The signed-in user's API token from Better Auth's jwt() plugin; '' when nobody is signed in. */
export async function currentToken(): Promise<string> {
  if (cached !== null && cached.expiresAt - Date.now() > REFRESH_MARGIN_MS) return cached.token;
  if (pending === null) {
    const asked = generation;
    pending = authClient
      .token()
      .then(({ data }) => {
        const token = data?.token ?? '';
        // A sign-out or sign-in while this was on its way makes its answer someone else's.
        if (asked === generation) cached = token === '' ? null : { token, expiresAt: expiresAt(token) };
        return token;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

/** Forgets the token: call on sign-in and sign-out, so that no request goes out as the previous user. */
export function forgetToken(): void {
  generation += 1;
  cached = null;
  pending = null;
}

export const createApi = (baseUrl: string): TodoClient => createTodoClient({ baseUrl, getToken: currentToken });
