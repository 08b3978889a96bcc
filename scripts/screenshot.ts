/** Regenerates docs/screenshot.png from the built app: `npx vite build && npx tsx scripts/screenshot.ts` (E2E_DIST=dist-x uses another build folder). */
import path from 'node:path';
import { launchChromium, openPage, startApp, waitForModelReady } from '../tests/e2e/harness';

const app = await startApp();
const chromium = await launchChromium();
try {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await openPage(context, app.url);
  await waitForModelReady(page);
  await page.getByTestId('attention-text').fill('The cat sat on the mat because it was tired.');
  await page.getByTestId('view-head').click();
  await page.getByTestId('head-view').waitFor();
  await page.locator('[data-query="8"]').hover();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.resolve(import.meta.dirname, '../docs/screenshot.png') });
} finally {
  await chromium.close();
  await app.close();
}
