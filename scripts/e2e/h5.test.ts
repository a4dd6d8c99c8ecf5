import path from 'node:path';
import type { Page } from 'playwright-core';
import type { RunningServer } from '@huiyuan/server';
import { ARTIFACTS, launch } from './browser';
import { callApi, h5Enabled, startH5Stack, typeInto, type H5Stack } from './stack';

/**
 * The H5 build of the mini-program in headless Chromium against a real server on
 * the embedded database, as `npm start` runs it: a member joins through an invite
 * link, sees the card and its code change with the 30 s step, checks in, redeems
 * a benefit; a staff member credits a purchase by typing the member's code and
 * writes the voucher off; the member sees the new balance, the tier upgrade and
 * the message. Run `npm run build:h5 -w @huiyuan/miniapp` first (CI does).
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
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `h5-${name}.png`), fullPage: true });
const digits = async (page: Page) =>
  (await page.locator('[data-testid=member-code-digits]').first().innerText()).replace(/\s/g, '');

(enabled ? test : test.skip)(
  'invite, card, check-in, redeem; staff credit and write-off; the member sees it all',
  async () => {
    const inviter = await api('POST', '/api/auth/login', undefined, { code: 'e2e-inviter:1' });
    const { code: inviteCode } = await api('GET', '/api/me/referrals', inviter.token);
    const op = await api('POST', '/api/staff/login', undefined, { username: 'operator', password: 'operator123' });
    const b = await launch();
    try {
      // The member opens the invite link: the H5 dev login registers them with the ref.
      const member = await b.context.newPage();
      await member.goto(`${server.url}/#/pages/index/index?ref=${inviteCode}`);
      await member.locator('[data-testid=member-code-digits]').first().waitFor({ timeout: 20_000 });
      const first = await digits(member);
      expect(first).toMatch(/^\d{16}$/);
      const invitees = (await api('GET', '/api/me/referrals', inviter.token)).invitees;
      expect(invitees).toHaveLength(1);
      await shot(member, '1-card');
      // The code is computed on the device and changes with the 30-second step.
      await member.waitForFunction(
        (prev) => {
          const el = document.querySelector('[data-testid=member-code-digits]');
          return !!el && el.textContent!.replace(/\s/g, '') !== prev;
        },
        first,
        { timeout: 40_000, polling: 500 },
      );
      const second = await digits(member);
      expect(second.slice(0, 10)).toBe(first.slice(0, 10));
      expect(second).not.toBe(first);
      const memberId = Number(second.slice(0, 10));

      await member.goto(`${server.url}/#/member/checkin/index`);
      await member.getByText('签到领').first().click();
      await member.getByText('今日已签到').first().waitFor({ timeout: 10_000 });
      await shot(member, '2-checkin');

      await member.goto(`${server.url}/#/pages/benefits/index`);
      const cake = member.locator('[data-testid=benefit]').filter({ hasText: '新品蛋糕免费试吃' });
      await cake.getByText('兑换').first().click();
      // The confirm sheet ignores taps for its first 400 ms (a double tap must not confirm it).
      const confirm = member.locator('[data-testid=sheet-confirm]:visible').first();
      await confirm.waitFor();
      await member.waitForTimeout(450);
      await confirm.click();
      await member.getByText('去使用').first().waitFor({ timeout: 10_000 });
      await shot(member, '3-vouchers');
      const voucher = await server.ctx.db.read((q) =>
        q.one<{ code: string }>('SELECT code FROM vouchers WHERE member_id = ?', [memberId]),
      );
      expect(voucher?.code).toMatch(/^[A-Z2-9]{16}$/);

      // Staff, on another phone: log in, credit a purchase by the member's code, write the voucher off.
      const staffCtx = await launch();
      try {
        const staff = await staffCtx.context.newPage();
        await staff.goto(`${server.url}/#/staff/login/index`);
        await typeInto(staff, 'staff-username', 'staff');
        await typeInto(staff, 'staff-password', 'staff123');
        await staff.getByText('登录', { exact: true }).last().click();
        // A signed-in staff member lands on the checkout page.
        await staff.locator('[data-testid=scan-manual]').first().waitFor({ timeout: 10_000 });
        await member.goto(`${server.url}/#/pages/index/index`);
        await member.locator('[data-testid=member-code-digits]').first().waitFor();
        await typeInto(staff, 'scan-manual', await digits(member));
        await staff.locator('[data-testid=scan-submit]:visible').first().click();
        await typeInto(staff, 'checkout-amount', '3000');
        await typeInto(staff, 'checkout-order', 'E2E-ORDER-1');
        await staff.locator('[data-testid=checkout-submit]:visible').first().click();
        await staff.getByText('下一单').first().waitFor({ timeout: 10_000 });
        await shot(staff, '4-staff-checkout');
        await staff.getByText('下一单').first().click();
        await staff.goto(`${server.url}/#/staff/voucher/index`);
        await staff
          .locator(
            '[placeholder="或输入券码"]:visible, [data-testid=scan-manual]:visible input[placeholder="或输入券码"]',
          )
          .first()
          .waitFor({ timeout: 10_000 });
        await typeInto(staff, 'scan-manual', voucher!.code);
        await staff.locator('[data-testid=scan-submit]:visible').first().click();
        await staff.getByText('可核销').first().waitFor({ timeout: 10_000 });
        await shot(staff, '5a-voucher-preview');
        await staff
          .locator('taro-button-core', { hasText: /^核销$/ })
          .first()
          .click();
        await staff.getByText('确定').last().click();
        await staff.getByText('继续核销').first().waitFor({ timeout: 10_000 });
        await shot(staff, '5-staff-voucher');
      } finally {
        await staffCtx.close();
      }
      const used = await server.ctx.db.read((q) =>
        q.one<{ status: string }>('SELECT status FROM vouchers WHERE code = ?', [voucher!.code]),
      );
      expect(used?.status).toBe('used');

      // Notifications go out through the outbox; the member then sees balance, tier and message.
      await api('POST', '/api/admin/jobs/outbox/run', op.token);
      await member.goto(`${server.url}/#/pages/index/index`);
      await member.reload();
      await member.getByText('银卡').first().waitFor({ timeout: 15_000 });
      const balance = (await server.ctx.db.read((q) =>
        q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]),
      ))!.balance;
      expect(Number(balance)).toBe(50 + 10 + 3000); // invite reward + check-in + purchase (x1 before the upgrade)
      await member.getByText(Number(balance).toLocaleString('en-US')).first().waitFor({ timeout: 5_000 });
      await shot(member, '6-card-after');
      await member.goto(`${server.url}/#/member/messages/index`);
      await member.getByText('会员等级升级').first().waitFor({ timeout: 10_000 });
      await shot(member, '7-messages');
    } finally {
      await b.close();
    }
  },
  180_000,
);
