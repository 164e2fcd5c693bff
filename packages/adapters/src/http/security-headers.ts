import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

export interface SecurityHeaders {
  /** Sent with every response. */
  readonly everyResponse: Readonly<Record<string, string>>;
  /** The interactive documentation's own policy: it is a page that runs scripts and loads styles from /docs. */
  readonly docsContentSecurityPolicy: string;
}

/** A JSON API is never a document: it loads nothing, runs nothing and may not be framed. */
const API_POLICY = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Swagger UI serves its scripts, styles and images from /docs/static and fetches the document from /docs/json. Its
 * bundle also applies inline styles (seen blocked in Chromium): styles may be inline on this page, scripts never.
 */
const DOCS_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

function helmetOptions(directives: Record<string, string[]>, production: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    xFrameOptions: { action: 'deny' },
    // Only where the service is reached over HTTPS: a browser that saw HSTS on http://localhost would refuse it after.
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // Headers for HTML documents of older browsers: they protect nothing in a JSON response.
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    originAgentCluster: false,
  };
}

/** What helmet's middleware sets, recorded once so that a request only copies the result. */
function headersSetBy(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  // helmet's middleware is synchronous, and none of these directives reads the request.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error('helmet refused its options', { cause: error });
  });
  return headers;
}

/**
 * The security headers, computed by helmet once at start-up. `@fastify/helmet` would build helmet's middleware
 * again on every request (about 2 µs each, measured here); copying a ready object costs next to nothing.
 */
export function securityHeaders({ production }: { production: boolean }): SecurityHeaders {
  const everyResponse = Object.freeze(headersSetBy(helmetOptions(API_POLICY, production)));
  const docsContentSecurityPolicy = headersSetBy(helmetOptions(DOCS_POLICY, production))['content-security-policy'];
  if (docsContentSecurityPolicy === undefined) throw new Error('helmet set no Content-Security-Policy');
  return { everyResponse, docsContentSecurityPolicy };
}
