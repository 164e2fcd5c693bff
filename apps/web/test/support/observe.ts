import type { BrowserContext, Page } from 'playwright-core';

/** Everything a browser context did that a test may want to check afterwards. */
export interface Observations {
  /** The URL of every request, in order. */
  readonly requestUrls: string[];
  /** The Authorization header of every request that carried one. */
  readonly authorizations: string[];
  /** "STATUS METHOD /path" of every answer of 400 or more. */
  readonly failedResponses: string[];
  /** Console errors written by scripts (the browser's "Failed to load resource" lines are in failedResponses). */
  readonly consoleErrors: string[];
  /** Uncaught exceptions in a page. */
  readonly pageErrors: string[];
}

export function observe(context: BrowserContext): Observations {
  const observations: Observations = { requestUrls: [], authorizations: [], failedResponses: [], consoleErrors: [], pageErrors: [] };
  context.on('request', (request) => {
    observations.requestUrls.push(request.url());
    const authorization = request.headers()['authorization'];
    if (authorization !== undefined) observations.authorizations.push(authorization);
  });
  context.on('response', (response) => {
    if (response.status() >= 400) {
      observations.failedResponses.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
    }
  });
  const watchPage = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) observations.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => observations.pageErrors.push(String(error)));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return observations;
}
