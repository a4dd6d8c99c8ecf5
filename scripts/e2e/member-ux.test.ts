import type { Page } from 'playwright-core';
import type { RunningServer } from '@huiyuan/server';
import { launch } from './browser';
import { balanceOf, callApi, h5Enabled, shot, startH5Stack, type H5Stack } from './stack';

/**
 * The member pages of the H5 build in headless Chromium at phone size, against
 * a real server on the embedded database with the fake WeChat API (as `npm
 * start` runs them): a purchase lands while the card shows the code (+N 积分到账),
 * and a double tap on 兑换 followed by the sheet's confirm redeems exactly once.
 * Every member page is photographed into miniapp/artifacts/screens. Run
 * `npm run build:h5 -w @huiyuan/miniapp` first.
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
// Taro's H5 router keeps earlier pages in the DOM, hidden: always look at the visible one.
const visit = async (page: Page, route: string, ready: string) => {
  await page.goto(`${server.url}/#${route}`);
  await page.getByText(ready).filter({ visible: true }).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(300); // let images and fonts settle for the picture
};

(enabled ? test : test.skip)(
  'card shows +N while the code is up; a double tap on 兑换 then confirm redeems once; every member page photographed',
  async () => {
    const op = await api('POST', '/api/staff/login', undefined, { username: 'operator', password: 'operator123' });
    // The operator's brand: the pages take its colours at runtime.
    await api('PUT', '/api/admin/settings', op.token, {
      key: 'brand',
      value: {
        name: '悦享会',
        logoUrl: null,
        cardBackgroundUrl: null,
        primaryColor: '#2b4a3f',
        accentColor: '#c47f4a',
      },
    });
    const b = await launch();
    try {
      const page = await b.context.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${server.url}/#/pages/index/index`);
      const digits = page.locator('[data-testid=member-code-digits]').first();
      await digits.waitFor({ timeout: 20_000 });
      const memberId = Number((await digits.innerText()).replace(/\s/g, '').slice(0, 10));
      await page.getByText('悦享会').first().waitFor({ timeout: 10_000 });
      const face = await page
        .locator('[data-testid=tier-card]')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(face).toBe('rgb(43, 74, 63)');
      await shot(page, '01-card');

      // A purchase credited while the code is on screen shows up within a poll or two.
      await api('POST', '/api/admin/points/adjustments', op.token, {
        memberId: String(memberId),
        delta: 1000,
        reason: '到店消费',
        idempotencyKey: `e2e-ux-credit-${memberId}`,
      });
      await page.locator('[data-testid=points-arrived]:visible').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid=points-arrived]:visible').first().innerText()).toContain(
        '+1,000 积分到账',
      );
      await shot(page, '02-card-points-arrived');
      const before = await balanceOf(server, memberId);

      // The mall: a double tap on 兑换 opens the sheet; its confirm, lower down, spends once.
      await visit(page, '/pages/benefits/index', '中杯咖啡兑换券');
      await shot(page, '03-mall');
      const coffee = page.locator('[data-testid=benefit]:visible').filter({ hasText: '中杯咖啡兑换券' });
      await coffee.locator('[data-testid=redeem]').dblclick();
      const confirm = page.locator('[data-testid=sheet-confirm]:visible').first();
      await confirm.waitFor();
      expect(await page.locator('[data-testid=redeem-after]:visible').first().innerText()).toBe(
        (before - 300).toLocaleString('en-US'),
      );
      await shot(page, '04-mall-redeem-sheet');
      // Three quick taps on confirm: the first after the guard counts, the rest land on a pending request.
      await page.waitForTimeout(450);
      await confirm.click({ clickCount: 3, delay: 20 });
      await page.getByText('去使用').first().waitFor({ timeout: 15_000 });
      const vouchers = await server.ctx.db.read((q) =>
        q.all<{ id: number }>('SELECT id FROM vouchers WHERE member_id = ?', [memberId]),
      );
      expect(vouchers).toHaveLength(1);
      expect(await balanceOf(server, memberId)).toBe(before - 300);
      const debits = await server.ctx.db.read((q) =>
        q.all<{ delta: number }>('SELECT delta FROM points_entries WHERE member_id = ? AND delta < 0', [memberId]),
      );
      expect(debits.map((d) => Number(d.delta))).toEqual([-300]);
      await page.waitForTimeout(300);
      await shot(page, '05-vouchers');

      await visit(page, '/pages/points/index', '积分明细');
      await shot(page, '06-points');
      await visit(page, '/member/checkin/index', '签到领');
      await shot(page, '07-checkin');
      await page.locator('[data-testid=checkin-button]:visible').first().click();
      await page.getByText('今日已签到').first().waitFor({ timeout: 10_000 });
      await shot(page, '08-checkin-done');
      await visit(page, '/pages/profile/index', '编辑资料');
      await shot(page, '09-profile-hub');
      await visit(page, '/member/settings/index', '昵称');
      await shot(page, '10-settings');
      await visit(page, '/member/messages/index', '消息');
      await shot(page, '11-messages');
      await visit(page, '/member/tier/index', '成长值');
      await shot(page, '12-tier');
      await visit(page, '/member/tasks/index', '积分');
      await shot(page, '13-tasks');
      await visit(page, '/member/invite/index', '邀请');
      await shot(page, '14-invite');
      await visit(page, '/member/privacy/index', '隐私');
      await shot(page, '15-privacy');
    } finally {
      await b.close();
    }
  },
  180_000,
);
