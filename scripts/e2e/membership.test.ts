import type { RunningServer } from '@huiyuan/server';
import type { FakeWechat } from '../fake-wechat/server';
import { launch } from './browser';
import { appToken, callApi, h5Enabled, shot, startH5Stack, visible, type H5Stack } from './stack';

/**
 * Paid membership on the H5 build in headless Chromium: the plan page offers the
 * plans but, with no WeChat Pay in a browser, says 请在微信中购买; once the
 * member has paid (in the fake WeChat Pay, confirmed when the order status is
 * polled) the card shows the badge and end date and the page shows the membership.
 * Screenshots go to miniapp/artifacts/screens. Run `npm run build:h5 -w @huiyuan/miniapp` first.
 */
const enabled = h5Enabled;
let stack: H5Stack;
let server: RunningServer;
let fake: FakeWechat;

beforeAll(async () => {
  if (!enabled) return;
  stack = await startH5Stack({ pay: true });
  ({ server, fake } = stack);
});
afterAll(async () => {
  await stack?.close();
});

const api = (method: string, p: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
  callApi(server.url, method, p, token, body, headers);

(enabled ? test : test.skip)(
  'the plan page says to buy in WeChat; after a confirmed payment the card and the page show the membership',
  async () => {
    const op = (await api('POST', '/api/staff/login', undefined, { username: 'operator', password: 'operator123' }))
      .body.token as string;
    const plan = await api(
      'POST',
      '/api/admin/membership/plans',
      op,
      {
        code: 'monthly',
        title: '黑金月卡',
        priceFen: 1990,
        period: 'month',
        benefitKind: 'multiplier',
        benefitPercent: 200,
        yearlyCapPoints: 2000,
        tierFloor: 'gold',
      },
      { 'idempotency-key': 'e2e-plan-monthly-0001' },
    );
    expect(plan.status).toBe(201);

    const b = await launch();
    try {
      const page = await b.context.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${server.url}/#/pages/index/index`);
      await visible(page, 'paid-member-bar').waitFor({ timeout: 20_000 });
      const token = await appToken(page);
      expect(token).toBeTruthy();

      await visible(page, 'paid-member-bar').click();
      await visible(page, 'membership-wechat-only').waitFor({ timeout: 15_000 });
      expect(await visible(page, 'membership-wechat-only').innerText()).toBe('请在微信中购买');
      await page.waitForTimeout(300);
      await shot(page, '21-membership-plans');

      // What the phone would do: start the order, pay in WeChat (no notification), poll.
      const order = await api(
        'POST',
        '/api/membership/purchase',
        token,
        { planCode: 'monthly' },
        {
          'idempotency-key': 'e2e-membership-buy-01',
        },
      );
      expect(order.status).toBe(200);
      await fake.pay.pay(order.body.outTradeNo, 'none');
      const polled = await api('GET', `/api/membership/orders/${order.body.outTradeNo}`, token);
      expect(polled.body).toMatchObject({ state: 'PAID', activated: true, membership: { status: 'active' } });

      await page.goto(`${server.url}/#/pages/index/index`);
      const bar = visible(page, 'paid-member-bar');
      await page.waitForFunction(
        () => document.querySelector('[data-testid=paid-member-bar]')?.textContent?.includes('有效期至'),
        undefined,
        { timeout: 15_000 },
      );
      expect(await bar.innerText()).toContain('黑金月卡');
      expect(await visible(page, 'tier-card').innerText()).toContain('金');
      await page.waitForTimeout(300);
      await shot(page, '22-card-paid-member');
      await bar.click();
      await visible(page, 'membership-ends').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      await shot(page, '23-membership-active');
    } finally {
      await b.close();
    }
  },
  90_000,
);
