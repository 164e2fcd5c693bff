import { chromium, type Browser } from 'playwright-core';
import type { Test } from 'tap';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../../test/support/chromium.js';

export async function launchChromium(t: Test): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.teardown(() => browser.close());
  return browser;
}
