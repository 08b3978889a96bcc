import { describe, expect, it } from 'vitest';
import { openPage, useAppAndBrowser, waitForModelReady } from './harness';

/** A link may carry a training share the panel does not offer as a button; it is shown chosen, not lost. */
const e2e = useAppAndBrowser();

describe('train a head from a link', () => {
  it('shows a linked 37% share as the chosen one beside the offered shares, and lets the user pick another', async () => {
    const context = await e2e.browser.newContext();
    const { page, errors } = await openPage(context, `${e2e.url}#tool=labels&headData=37`);
    await waitForModelReady(page);
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('labels-example').click();
    const panel = page.getByTestId('head-panel');
    const linked = panel.getByTestId('head-data-37');
    await linked.waitFor({ timeout: 60_000 });
    expect(await linked.isChecked()).toBe(true);
    expect(await panel.locator('.data-share').textContent()).toContain('37% (from a link or session file)');
    await panel.getByTestId('head-data-25').check();
    expect(await linked.count()).toBe(0);
    expect(await panel.getByTestId('head-data-25').isChecked()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
