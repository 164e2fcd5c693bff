import { jwtClient } from 'better-auth/client/plugins';
import { createAuthClient } from 'better-auth/react';

/** Better Auth in the browser, on this app's own origin; `token()` comes from the jwt() plugin. */
export const authClient = createAuthClient({ plugins: [jwtClient()] });
