import {existsSync} from 'node:fs';
import {chromium, type Browser} from 'playwright-core';

/** The Chromium the browser tests drive; CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Headless, offline: nothing may reach Google or any other network service.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const INSTALL_HINT = `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" (Debian/Ubuntu) or set CHROMIUM_PATH.`;

/**
 * The `skip` option for a browser suite: false when Chromium is there, else the install hint.
 * Under CI a missing browser fails the run instead.
 */
export function skipWithoutChromium(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI === 'true') throw new Error(INSTALL_HINT);
  return INSTALL_HINT;
}

/** Starts headless Chromium with the flags above. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({executablePath: CHROMIUM, args: FLAGS});
}
