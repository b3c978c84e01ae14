/**
 * What every console browser test shares: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), and the accessibility bar (no serious or critical axe violation on what the page shows).
 */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const CHROMIUM = process.env.FANGPIN_CHROMIUM ?? '/usr/bin/chromium';

/** Flags the machine needs: no sandbox as root, no GPU, and no background connections to a closed network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the console's browser tests need it. Install it with: apt-get install -y chromium fonts-wqy-microhei`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** No serious or critical axe violation on what the page shows now. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
    what,
  ).toEqual([]);
}

/**
 * A browser context as the console tests use it. It asks for reduced motion, which the console honours by
 * switching Ant Design's animations off: a click then never lands on a dialog that is still zooming in (a
 * click during the zoom hit the dialog body instead of its button on a loaded CI machine).
 */
export function consoleContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ reducedMotion: 'reduce', ...options });
}
