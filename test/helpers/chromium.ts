import { chromium, type Browser } from 'playwright-core';
import { whichSync } from '../../scripts/infra/process.js';

/** Debian's Chromium (or CHROMIUM_PATH): the test tools' own browser downloads do not work on these machines. */
export function findChromium(): string {
  const found = process.env.CHROMIUM_PATH ?? whichSync('chromium') ?? whichSync('chromium-browser');
  if (!found) throw new Error('Chromium not found on PATH (install the Debian package "chromium" or set CHROMIUM_PATH)');
  return found;
}

/** Headless Chromium as the tests drive it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}
