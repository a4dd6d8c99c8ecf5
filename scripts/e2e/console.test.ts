import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { createLogger, loadConfig, startServer, type RunningServer } from '@huiyuan/server';
import { startFakeWechat, type FakeWechat } from '../fake-wechat/server';
import { seedDemo } from '../seed/demo';
import { ARTIFACTS, hasChromium, launch } from './browser';

/**
 * The operator console in headless Chromium against a real server on the
 * embedded database: a benefit created with an image shows in the member's mall
 * with its image, a job run from the jobs page is recorded, a settings form
 * refuses a bad value beside its field and saves a good one (the member sees it).
 * A screenshot of every page goes to .artifacts/e2e.
 */
const root = path.resolve(__dirname, '../..');
let server: RunningServer;
let fake: FakeWechat;
beforeAll(async () => {
  execFileSync(process.execPath, [path.join(root, 'server/console/build.mjs')]);
  fake = await startFakeWechat({ port: 0 });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    SQLITE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    WECHAT_API_BASE: fake.url,
    BACKGROUND: 'off',
    IMAGE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hy-console-img-')),
    CONSOLE_DIR: path.join(root, 'server/console/dist'),
  });
  server = await startServer(config, createLogger('silent'));
  await seedDemo(server.ctx);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

const json = async (method: string, p: string, token?: string, body?: unknown) =>
  (
    await fetch(server.url + p, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  ).json() as Promise<any>;
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });
const go = async (page: Page, hash: string) => {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForSelector(`main[data-page="${hash.split('/')[0]}"]`);
};

(hasChromium ? test : test.skip)(
  'operator console: benefit with image in the mall, job run now, settings form validation beside the field',
  async () => {
    const member = await json('POST', '/api/auth/login', undefined, { code: 'e2e-console-member:1' });
    const op = await json('POST', '/api/staff/login', undefined, { username: 'operator', password: 'operator123' });
    const imgFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hy-png-')), 'cover.png');
    // A cover the size an operator would upload, so the resized variants are real images.
    const png = sharp({ create: { width: 640, height: 400, channels: 3, background: { r: 200, g: 160, b: 99 } } });
    fs.writeFileSync(imgFile, await png.png().toBuffer());
    const b = await launch();
    try {
      const page = await b.context.newPage();
      await page.goto(`${server.url}/admin/`);
      await page.fill('input[name=username]', 'operator');
      await page.fill('input[name=password]', 'wrong-password');
      await page.click('text=登录');
      await page.waitForSelector('text=用户名或密码错误');
      await page.fill('input[name=password]', 'operator123');
      await page.click('text=登录');
      await page.waitForSelector('text=会员总数');
      await page.waitForSelector('canvas');
      await shot(page, 'dashboard');

      // Benefits: a new one with an uploaded image.
      await go(page, 'benefits');
      await page.click('text=新建权益');
      const form = page.locator('[data-form=benefit]');
      await form.locator('input[name=title]').fill('控制台咖啡券');
      await form.locator('input[name=costPoints]').fill('50');
      await form.locator('input[name=stock]').fill('20');
      await form.locator('input[name=image]').setInputFiles(imgFile);
      await form.locator('img.thumb').waitFor();
      await shot(page, 'benefit-editor');
      await form.locator('text=保存').click();
      await page.waitForSelector('text=已创建');
      await page.waitForSelector('tr[data-benefit="控制台咖啡券"] img.thumb');
      // The member's mall shows it with its image (before it becomes a member-day offer below).
      const mall = await json('GET', '/api/benefits', member.token);
      const created = mall.items.find((x: { title: string }) => x.title === '控制台咖啡券');
      expect(created).toBeDefined();
      expect(created.imageUrl).toMatch(/^\/images\/\d+-\d+\.(png|jpg|jpeg|webp)$/);
      expect((await fetch(server.url + created.imageUrl)).status).toBe(200);

      // Stock top-up, and an edit that changes only the member-day flag.
      const row = page.locator('tr[data-benefit="控制台咖啡券"]');
      await row.locator('input[type=number]').fill('5');
      await row.locator('button', { hasText: '补充' }).click();
      await page.waitForSelector('tr[data-benefit="控制台咖啡券"] >> text=25 / 25');
      await row.locator('button', { hasText: '编辑' }).click();
      await form.locator('input[name=memberDayOnly]').check();
      await form.locator('button', { hasText: '保存' }).click();
      await page.waitForSelector('tr[data-benefit="控制台咖啡券"] .tag');
      await shot(page, 'benefits');

      // Jobs: run one now; its run appears in the history.
      await go(page, 'jobs');
      await page.locator('tr[data-job=voucher_expiry] button').click();
      await page.waitForSelector('[data-msg=job]');
      await shot(page, 'jobs');

      // Settings: the generated form refuses an out-of-range value beside the field, then saves a good one.
      await go(page, 'settings/checkout.memberDays');
      const box = page.locator('input[name="multiplierPercent"]');
      const save = page.locator('[data-setting="checkout.memberDays"] button', { hasText: '保存' });
      await box.fill('50');
      await save.click();
      await page
        .locator('label.field.invalid:has(input[name="multiplierPercent"]) [data-error-for="multiplierPercent"]')
        .waitFor();
      await shot(page, 'settings-error');
      await box.fill('300');
      await save.click();
      await page.waitForSelector('text=已保存');
      await shot(page, 'settings');
      for (const k of ['tiers.rules', 'notifications', 'insights.churn']) {
        await go(page, 'dashboard');
        await go(page, `settings/${k}`);
        await page.waitForSelector(`[data-setting="${k}"]`);
        await shot(page, `settings-${k.replace('.', '-')}`);
      }

      // Some data for the voucher, member and simulation pages: points, a redemption.
      await json('POST', '/api/admin/points/adjustments', op.token, {
        memberId: member.memberId,
        delta: 500,
        reason: '控制台测试',
        idempotencyKey: 'console-e2e-fund-1',
      });
      const open = (await json('GET', '/api/benefits', member.token)).items.find(
        (x: { locked: boolean; costPoints: number; stockLeft: number }) =>
          !x.locked && x.costPoints > 0 && x.costPoints <= 500 && x.stockLeft > 0,
      );
      await fetch(`${server.url}/api/me/redemptions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${member.token}`,
          'idempotency-key': 'console-e2e-redeem-1',
        },
        body: JSON.stringify({ benefitId: open.id }),
      });
      await go(page, 'simulate');
      await page.locator('main button', { hasText: '模拟' }).click();
      await page.waitForSelector('[data-result=simulate]');
      await shot(page, 'simulate-result');

      for (const hash of [
        'members',
        'vouchers',
        'refunds',
        'gifts',
        'segments',
        'alerts',
        'simulate',
        'people',
        'audit',
      ]) {
        await go(page, hash);
        await page.waitForTimeout(400);
        await shot(page, hash);
      }
      await page.waitForSelector('text=settings.update');
      await go(page, `member/${member.memberId}`);
      await page.waitForSelector('text=积分明细');
      await page.waitForTimeout(300);
      await shot(page, 'member-detail');
      await go(page, 'dashboard');
      await page.waitForSelector('text=积分负债');
      await page.waitForTimeout(300);
      await shot(page, 'dashboard-data');
    } finally {
      await b.close();
    }

    const admin = await json('GET', '/api/admin/benefits', op.token);
    const edited = admin.items.find((x: { title: string }) => x.title === '控制台咖啡券');
    expect(edited).toMatchObject({ memberDayOnly: true, stockTotal: 25, stockLeft: 25 });

    const runs = await json('GET', '/api/admin/jobs/runs?job=voucher_expiry', op.token);
    expect(runs.items.some((r: { triggeredBy: string }) => r.triggeredBy === `operator:${op.staffId}`)).toBe(true);

    const settings = await json('GET', '/api/admin/settings', op.token);
    const days = settings.items.find((x: { key: string }) => x.key === 'checkout.memberDays');
    expect(days.value.multiplierPercent).toBe(300);
  },
  180_000,
);
