import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { RunningServer } from '@huiyuan/server';
import { ARTIFACTS, launch } from './browser';
import { callApi, h5Enabled, startH5Stack, typeInto, visible, type H5Stack } from './stack';

/**
 * The clerk's pages of the H5 build in headless Chromium against a real server: a
 * double tap on 确认积分 leaves the result on screen (the tap landing where the
 * button was does not start the next order), and a refund needs a deliberate tap
 * on its confirm sheet (the tap that opened it does not confirm it); the shift
 * summary counts both. Run `npm run build:h5 -w @huiyuan/miniapp` first (or point
 * H5_DIR at a build).
 */
const enabled = h5Enabled;
let stack: H5Stack;
let server: RunningServer;

beforeAll(async () => {
  if (!enabled) return;
  stack = await startH5Stack();
  ({ server } = stack);
});
afterAll(async () => {
  await stack?.close();
});

const api = async (method: string, p: string, token?: string, body?: unknown) =>
  (await callApi(server.url, method, p, token, body)).body;
const centre = async (l: Locator) => {
  const b = (await l.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};
/** Longer than the pages' tap guard (400 ms): the next tap is a deliberate one. */
const pause = (page: Page) => page.waitForTimeout(600);

(enabled ? test : test.skip)(
  'clerk: a double tap on 确认积分 keeps the result; a refund needs a deliberate confirm; the shift summary counts both',
  async () => {
    const member = await api('POST', '/api/auth/login', undefined, { code: 'e2e-clerk-member:1' });
    const card = await api('GET', '/api/me/card', member.token);
    const b = await launch();
    try {
      const page = await b.context.newPage();
      await page.setViewportSize({ width: 420, height: 860 });
      await page.goto(`${server.url}/#/staff/login/index`);
      await typeInto(page, 'staff-username', 'staff');
      await typeInto(page, 'staff-password', 'staff123');
      await page.getByText('登录', { exact: true }).last().click();
      await visible(page, 'scan-manual').waitFor({ timeout: 20_000 });
      const staff = await api('POST', '/api/staff/login', undefined, { username: 'staff', password: 'staff123' });

      await typeInto(page, 'scan-manual', card.code.current);
      await visible(page, 'scan-submit').click();
      await typeInto(page, 'checkout-amount', '120');
      await typeInto(page, 'checkout-order', 'E2E-CLERK-1');
      const submit = await centre(visible(page, 'checkout-submit'));
      await page.mouse.click(submit.x, submit.y);
      await visible(page, 'checkout-result').waitFor({ timeout: 10_000 });
      // The second half of the double tap lands where 确认积分 was, and on 下一单 itself: the result stays.
      await page.mouse.click(submit.x, submit.y);
      await visible(page, 'checkout-next').click();
      expect(await visible(page, 'checkout-result').isVisible()).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'staff-1-checkout-result.png'), fullPage: true });
      await pause(page);
      await visible(page, 'checkout-next').click();
      await visible(page, 'scan-manual').waitFor({ timeout: 10_000 });
      const credited = (await api('GET', '/api/staff/shift-summary', staff.token)).credits;
      expect(credited).toMatchObject({ count: 1, amountCents: 12_000 });

      await page.goto(`${server.url}/#/staff/refund/index`);
      await typeInto(page, 'refund-order', 'E2E-CLERK-1');
      await typeInto(page, 'refund-amount', '30');
      await visible(page, 'refund-submit').click();
      await visible(page, 'refund-sheet').waitFor({ timeout: 10_000 });
      // A quick second tap on the sheet's confirm button is ignored: nothing refunded yet.
      await visible(page, 'sheet-confirm').click();
      expect((await api('GET', '/api/staff/shift-summary', staff.token)).refunds.count).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'staff-2-refund-sheet.png'), fullPage: true });
      await pause(page);
      await visible(page, 'sheet-confirm').click();
      await visible(page, 'refund-result').waitFor({ timeout: 10_000 });
      const shown = await visible(page, 'refund-result').innerText();
      expect(shown).toContain('退款成功');
      expect(shown).toContain('¥30.00');
      await page.screenshot({ path: path.join(ARTIFACTS, 'staff-3-refund-result.png'), fullPage: true });
      const s = await api('GET', '/api/staff/shift-summary', staff.token);
      expect(s.refunds).toMatchObject({ count: 1, amountCents: 3000 });
      expect(shown).toContain(`-${s.refunds.pointsClawedBack}`);

      await page.goto(`${server.url}/#/staff/shift/index`);
      await visible(page, 'shift-summary').waitFor({ timeout: 10_000 });
      expect(await visible(page, 'shift-credits-count').innerText()).toBe('1');
      expect(await visible(page, 'shift-refunds-count').innerText()).toBe('1');
      expect(await visible(page, 'shift-net-amount').innerText()).toBe('¥90.00');
      await page.screenshot({ path: path.join(ARTIFACTS, 'staff-4-shift.png'), fullPage: true });
    } finally {
      await b.close();
    }
  },
);
