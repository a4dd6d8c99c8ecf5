import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createLogger, loadConfig, startServer, type RunningServer } from '@huiyuan/server';
import { startFakeWechat, type FakeWechat } from '../fake-wechat/server';
import { payTestEnv } from '../fake-wechat/pay-keys';
import { seedDemo } from '../seed/demo';
import { hasChromium } from './browser';

/**
 * What the browser tests of the H5 build share: a real server on an in-memory
 * database serving the build, the fake WeChat (and its WeChat Pay sandbox when
 * asked), the demo data, and JSON calls to the API as a client makes them.
 */
const root = path.resolve(__dirname, '../..');
export const H5_DIR = process.env.H5_DIR ?? path.join(root, 'miniapp/dist-h5');
/** Member-page screenshots, named by page (the artifacts). */
export const SCREENS = path.join(root, 'miniapp/artifacts/screens');
/** Chromium is there and the H5 build was made (`npm run build:h5 -w @huiyuan/miniapp`). */
export const h5Enabled = hasChromium && fs.existsSync(path.join(H5_DIR, 'index.html'));

export interface H5Stack {
  server: RunningServer;
  fake: FakeWechat;
  close(): Promise<void>;
}

export async function startH5Stack(opts: { pay?: boolean; env?: Record<string, string> } = {}): Promise<H5Stack> {
  const fake = await startFakeWechat({ port: 0 });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    SQLITE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    WECHAT_API_BASE: fake.url,
    STATIC_DIR: H5_DIR,
    BACKGROUND: 'off',
    ...(opts.pay ? payTestEnv(fake.url) : {}),
    ...opts.env,
  });
  const server = await startServer(config, createLogger('silent'));
  if (opts.pay) fake.pay.notifyOrigin = server.url;
  await seedDemo(server.ctx);
  fs.mkdirSync(SCREENS, { recursive: true });
  return {
    server,
    fake,
    async close() {
      await server.close();
      await fake.close();
    },
  };
}

/** One JSON call to the API: status and parsed body. */
export async function callApi(
  base: string,
  method: string,
  p: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(base + p, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

// Taro's H5 router keeps earlier pages in the DOM, hidden: always act on the visible one.
/** A screenshot of the page as it is, into the screens folder (looked at before a page is called done). */
export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENS, `${name}.png`) });

/** A member's balance as stored (what the pages must end up showing). */
export async function balanceOf(server: RunningServer, memberId: number): Promise<number> {
  const row = await server.ctx.db.read((q) =>
    q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]),
  );
  return Number(row!.balance);
}

export const visible = (page: Page, testid: string) => page.locator(`[data-testid=${testid}]:visible`).first();
export async function typeInto(page: Page, testid: string, value: string): Promise<void> {
  const box = page.locator(`[data-testid=${testid}] input:visible, input[data-testid=${testid}]:visible`).first();
  await box.fill(value);
  await box.dispatchEvent('input');
}

/** The app's own member session token (Taro keeps storage as JSON in localStorage); undefined when signed out. */
export async function appToken(page: Page): Promise<string | undefined> {
  // An expression, not a function: this file compiles without the DOM's types.
  const stored = await page.evaluate<string>("localStorage.getItem('hy.member.token') ?? ''");
  return /"token\\?":\\?"([^"\\]+)/.exec(stored)?.[1];
}
