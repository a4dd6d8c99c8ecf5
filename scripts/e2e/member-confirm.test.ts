import type { RunningServer } from '@huiyuan/server';
import { launch } from './browser';
import { appToken, balanceOf, callApi, h5Enabled, shot, startH5Stack, visible, type H5Stack } from './stack';

/**
 * Counter lookup by phone, end to end on the H5 build in headless Chromium: a
 * clerk asks for the member behind a phone number, the card the member holds
 * shows the waiting request, the member confirms on the confirm page (through
 * the sheet, after its tap guard), and the clerk's checkout with the member token
 * credits that member once. Screenshots go to miniapp/artifacts/screens. Run
 * `npm run build:h5 -w @huiyuan/miniapp` first.
 */
const enabled = h5Enabled;
let stack: H5Stack;
let server: RunningServer;

beforeAll(async () => {
  if (!enabled) return;
  stack = await startH5Stack();
  ({ server } = stack);
  // The member types a number in the profile (no WeChat phone button in a browser).
  await server.ctx.db.tx((q) => server.ctx.settings.set(q, 'members.phoneTyping', true, new Date()));
});
afterAll(async () => {
  await stack?.close();
});

const api = (method: string, p: string, token?: string, body?: unknown) => callApi(server.url, method, p, token, body);

(enabled ? test : test.skip)(
  'clerk looks the member up by phone, the member confirms in the app, the checkout credits that member once',
  async () => {
    const b = await launch();
    try {
      const page = await b.context.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${server.url}/#/pages/index/index`);
      const digits = visible(page, 'member-code-digits');
      await digits.waitFor({ timeout: 20_000 });
      const memberId = Number((await digits.innerText()).replace(/\s/g, '').slice(0, 10));
      const token = await appToken(page);
      expect(token).toBeTruthy();
      const phone = '13912345678';
      const patched = await api('PATCH', '/api/me', token, { nickname: '陈静', phone, privacyConsentVersion: 'v1' });
      expect(patched.status).toBe(200);

      const staff = (await api('POST', '/api/staff/login', undefined, { username: 'staff', password: 'staff123' }))
        .body;
      const asked = await api('POST', '/api/staff/members/phone-lookup', staff.token, { phone });
      expect(asked.status).toBe(200);
      const id = asked.body.requestId as string;

      // The card polls for waiting requests while it is shown.
      const bar = visible(page, 'card-confirm');
      await bar.waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      await shot(page, '16-card-confirm-request');
      await bar.click();
      await visible(page, 'confirm-request').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      await shot(page, '17-confirm-request');

      // A double tap on 是我本人 opens the sheet and does not confirm it.
      await visible(page, 'confirm-open').dblclick();
      const confirm = visible(page, 'sheet-confirm');
      await confirm.waitFor();
      await page.waitForTimeout(100);
      expect((await api('GET', `/api/staff/members/phone-lookup/${id}`, staff.token)).body.status).toBe('pending');
      await page.waitForTimeout(350); // past the tap guard, and the sheet's rise has ended for the picture
      await shot(page, '18-confirm-sheet');
      await confirm.click({ clickCount: 2, delay: 20 });
      await visible(page, 'confirm-done').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      await shot(page, '19-confirm-done');

      const state = (await api('GET', `/api/staff/members/phone-lookup/${id}`, staff.token)).body;
      expect(state).toMatchObject({ status: 'confirmed', maskedName: expect.stringContaining('陈') });
      const before = await balanceOf(server, memberId);
      const orderNo = `E2E-PL-${Date.now()}`;
      const paid = await api('POST', '/api/staff/checkout', staff.token, {
        memberToken: state.memberToken,
        orderNo,
        amountCents: 8_800,
      });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ memberId: String(memberId), replayed: false });
      expect(await balanceOf(server, memberId)).toBe(before + Number(paid.body.points));
      // Single use: another order with the same token is refused.
      const again = await api('POST', '/api/staff/checkout', staff.token, {
        memberToken: state.memberToken,
        orderNo: `${orderNo}-2`,
        amountCents: 100,
      });
      expect(again.body.code).toBe('MEMBER_TOKEN_INVALID');
      const audits = await server.ctx.db.read((q) =>
        q.all<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'lookup.%' ORDER BY id"),
      );
      expect(audits.map((a) => a.action)).toEqual(['lookup.request', 'lookup.confirm']);
    } finally {
      await b.close();
    }
  },
  120_000,
);

(enabled ? test : test.skip)(
  'points as cash confirmed on the phone: the member agrees to the points in the app, the checkout pays with them once',
  async () => {
    await server.ctx.db.tx(async (q) =>
      server.ctx.settings.set(
        q,
        'checkout.pointsCash',
        { ...(await server.ctx.settings.get('checkout.pointsCash')), confirm: 'phone', maxSharePercent: 100 },
        new Date(),
      ),
    );
    const op = (await api('POST', '/api/staff/login', undefined, { username: 'operator', password: 'operator123' }))
      .body;
    const staff = (await api('POST', '/api/staff/login', undefined, { username: 'staff', password: 'staff123' })).body;
    const b = await launch();
    try {
      const page = await b.context.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${server.url}/#/pages/index/index`);
      const digits = visible(page, 'member-code-digits');
      await digits.waitFor({ timeout: 20_000 });
      const code = (await digits.innerText()).replace(/\s/g, '');
      const memberId = Number(code.slice(0, 10));
      const credited = await api('POST', '/api/admin/points/adjustments', op.token, {
        memberId: String(memberId),
        delta: 2_000,
        reason: '开卡赠送',
        idempotencyKey: `e2e-redeem-phone-${memberId}`,
      });
      expect(credited.status).toBe(200);
      const orderNo = `E2E-RP-${Date.now()}`;
      const asked = await api('POST', '/api/staff/checkout/redeem-confirmations', staff.token, {
        memberCode: code,
        orderNo,
        amountCents: 5_000,
        redeemPoints: 1_200,
      });
      expect(asked.status).toBe(200);
      const id = asked.body.requestId as string;

      const bar = visible(page, 'card-confirm');
      await bar.waitFor({ timeout: 15_000 });
      expect(await bar.innerText()).toContain('请求使用 1,200 积分');
      await bar.click();
      await visible(page, 'confirm-redeem').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      await shot(page, '20-confirm-redeem');
      await visible(page, 'confirm-open').click();
      await page.waitForTimeout(450);
      await visible(page, 'sheet-confirm').click();
      await visible(page, 'confirm-done').waitFor({ timeout: 15_000 });

      const state = (await api('GET', `/api/staff/checkout/redeem-confirmations/${id}`, staff.token)).body;
      expect(state.status).toBe('confirmed');
      const before = await balanceOf(server, memberId);
      const body = { memberToken: state.memberToken, orderNo, amountCents: 5_000, redeemPoints: 1_200 };
      const paid = await api('POST', '/api/staff/checkout', staff.token, body);
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ memberId: String(memberId), redeemedPoints: 1_200, cashCents: 3_800 });
      expect(await balanceOf(server, memberId)).toBe(before - 1_200 + Number(paid.body.points));
      expect((await api('POST', '/api/staff/checkout', staff.token, body)).body.replayed).toBe(true);
    } finally {
      await b.close();
    }
  },
  120_000,
);
