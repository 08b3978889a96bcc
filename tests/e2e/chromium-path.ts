import { accessSync, constants } from 'node:fs';

/** The e2e tests drive Debian's Chromium, never a browser that playwright downloads. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Fails with the fix instead of playwright's launch error when the browser is not installed. */
export function requireChromium(executablePath = CHROMIUM_PATH): string {
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new Error(`Debian's chromium is missing: apt-get install chromium (no executable at ${executablePath})`);
  }
  return executablePath;
}
