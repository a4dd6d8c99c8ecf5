import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createLogger, loadConfig, startServer, type RunningServer } from '@huiyuan/server';
import { startFakeWechat, type FakeWechat } from '../fake-wechat/server';
import { seedDemo } from '../seed/demo';
import { ARTIFACTS, hasChromium, launch } from './browser';

/**
 * The operator console in headless Chromium against a real server on the
 * embedded database: log in, change a tier threshold, and the member's tier
 * preview shows it. Screenshots of each page go to .artifacts/e2e.
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
    CONSOLE_DIR: path.join(root, 'server/console/dist'),
  });
  server = await startServer(config, createLogger('silent'));
  await seedDemo(server.ctx);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

(hasChromium ? test : test.skip)(
  'operator logs in, changes a tier threshold, the member sees it',
  async () => {
    const member = await (
      await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'e2e-console-member:1' }),
      })
    ).json();
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
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-dashboard.png'), fullPage: true });

      await page.click('text=规则配置');
      const silver = page.locator('input[aria-label="silver-minGrowth"]');
      await silver.waitFor();
      await silver.fill('2000');
      await page.click('text=保存等级');
      await page.waitForSelector('text=已保存');
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-settings.png'), fullPage: true });

      // An invalid change is refused with the server's reason, and nothing changes.
      await page.locator('input[aria-label="gold-minGrowth"]').fill('1000');
      await page.click('text=保存等级');
      await page.waitForSelector('text=increase strictly');

      for (const [tab, file] of [
        ['会员查询', 'console-members'],
        ['门店与员工', 'console-people'],
        ['分群与流失', 'console-segments'],
        ['审计日志', 'console-audit'],
      ]) {
        await page.click(`text=${tab}`);
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(ARTIFACTS, `${file}.png`), fullPage: true });
      }
      await page.waitForSelector('text=settings.update');
    } finally {
      await b.close();
    }
    const preview = await (
      await fetch(`${server.url}/api/me/tier`, { headers: { authorization: `Bearer ${member.token}` } })
    ).json();
    expect(preview.tiers.find((t: { code: string }) => t.code === 'silver').minGrowth).toBe(2000);
    expect(preview.tiers.find((t: { code: string }) => t.code === 'gold').minGrowth).toBe(6000);
    expect(preview.next).toMatchObject({ tier: { code: 'silver' }, needed: 2000 });
  },
  120_000,
);
