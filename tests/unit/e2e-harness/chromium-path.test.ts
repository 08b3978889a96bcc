/** `npm test` on a machine without Debian's chromium must say how to fix it, not show playwright's launch error. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireChromium } from '../../e2e/chromium-path';

describe('the e2e harness without Chromium', () => {
  it('names the missing package and the command that installs it', () => {
    const missing = path.join(import.meta.dirname, 'no-such-chromium');
    expect(() => requireChromium(missing)).toThrow(/^Debian's chromium is missing: apt-get install chromium/);
  });

  it('accepts an installed executable', () => {
    expect(requireChromium(process.execPath)).toBe(process.execPath);
  });
});
