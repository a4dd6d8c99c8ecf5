#!/usr/bin/env node
/**
 * Checks the weapp build in WeChat's own simulator (miniprogram-simulate +
 * j-component, WXML compiled by WeChat's wcc) against a real server:
 *   1. a member (with points credited by an operator) opens the card page: the
 *      rotating member code is rendered as digits and as a QR code that encodes
 *      those digits, the server accepts the code as this member's at the counter,
 *      the points balance shown is the server's, and the screen is made bright;
 *   2. the 签到 shortcut leads to the check-in page; a tap on its 签到 button is
 *      recorded by the server (checked in today, points credited once) and the
 *      page shows the result.
 *
 *   npm run check:sim -w @huiyuan/miniapp [-- distDir]   (after npm run build and npm run build:weapp)
 *
 * Exits 1 naming the step that failed and what the page showed.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { hasClass, loadWeapp, SimError } from './weapp.mjs';
import { createWx, DEVICE_BRIGHTNESS } from './wx.mjs';
import { startStack } from './stack.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '..', 'dist'));
const IDENTITY = 'sim-member';
const CREDIT = 1234;

const step = (text) => console.log(`ok   ${text}`);
function expect(cond, message) {
  if (!cond) throw new SimError(message);
}
const digitsOf = (s) => s.replace(/\s/g, '');
const grouped = (n) => n.toLocaleString('en-US');

/** The QR the page drew, read back from its rows of dark/light runs (flex-grow = run length). */
function renderedQr(page) {
  return page.all('member-code__row').map((row) => {
    const cells = [];
    for (const run of row.children) {
      const len = Number(/flex:\s*(\d+)/.exec(run.getAttribute('style') ?? '')?.[1]);
      const dark = hasClass(run, 'mc-dark');
      if (!dark && !hasClass(run, 'mc-light')) continue;
      for (let k = 0; k < len; k++) cells.push(dark);
    }
    return cells;
  });
}

/** The QR a scanner expects for `text`: same encoder settings as the app (level M, numeric mode). */
function expectedQr(text) {
  const qrcode = require('qrcode-generator');
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Numeric');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

async function prepareMember(stack) {
  const member = await stack.api('POST', '/api/auth/login', { body: { code: `${IDENTITY}:setup` } });
  const op = await stack.api('POST', '/api/staff/login', { body: { username: 'operator', password: 'operator123' } });
  await stack.api('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: {
      memberId: member.memberId,
      delta: CREDIT,
      reason: 'simulator welcome credit',
      idempotencyKey: 'sim-credit-1',
    },
  });
  const staff = await stack.api('POST', '/api/staff/login', { body: { username: 'staff', password: 'staff123' } });
  return { memberId: String(member.memberId), memberToken: member.token, staffToken: staff.token };
}

async function checkCard(sim, wxState, stack, who) {
  const page = sim.openPage('pages/index/index');
  const digitsNode = await page.waitFor('the member code digits', () => {
    // StateView's error state (with its retry button): no point waiting for a code.
    if (page.all('state-view__retry').length)
      throw new SimError(`pages/index/index: the card failed to load: "${page.text()}"`);
    return page.all('member-code__digits').find((el) => digitsOf(el.textContent));
  });
  const code = digitsOf(digitsNode.textContent);
  expect(/^\d{16}$/.test(code), `the member code shown is "${code}", not 16 digits`);
  expect(
    code.slice(0, 10) === who.memberId.padStart(10, '0'),
    `the member code ${code} does not start with member id ${who.memberId}`,
  );
  step(`card page renders member code ${code}`);

  const qr = renderedQr(page);
  expect(qr.length > 0, 'the card page renders no QR code');
  expect(
    JSON.stringify(qr) === JSON.stringify(expectedQr(code)),
    `the QR drawn (${qr.length} rows) is not the QR of ${code}`,
  );
  step(`QR code (${qr.length}x${qr.length}) encodes the digits shown`);

  // The counter's view: the server takes the code for this member (a lookup does not use it up).
  const found = await stack.api('GET', `/api/staff/members/lookup?code=${code}`, { token: who.staffToken });
  expect(
    String(found.memberId) === who.memberId,
    `the server reads code ${code} as member ${found.memberId}, not ${who.memberId}`,
  );
  expect(found.balance >= CREDIT, `the server's balance is ${found.balance}, the ${CREDIT} credit is missing`);
  const points = await page.waitFor(`the balance ${grouped(found.balance)}`, () =>
    page.all('tier-card__points').find((el) => el.textContent.trim() === grouped(found.balance)),
  );
  step(`server accepts the code for member ${who.memberId}; card shows ${points.textContent.trim()} points`);

  await page.waitFor('full brightness and keep-screen-on', () => wxState.brightness === 1 && wxState.keepScreenOn);
  step('screen set to full brightness and kept on while the code is shown');
  return page;
}

async function checkCheckin(sim, wxState, stack, who, card) {
  const shortcut = card.byText('wx-view', '签到').find((el) => hasClass(el, 'card-page__shortcut'));
  expect(shortcut, 'the card page has no 签到 shortcut');
  sim.tap(shortcut);
  const url = await card.waitFor('navigation to the check-in page', () =>
    wxState.navigations.find((u) => u.startsWith('/member/checkin/index')),
  );
  const before = await stack.api('GET', '/api/me/points', { token: who.memberToken });
  const page = sim.openPage('member/checkin/index');
  step(`签到 shortcut opens ${url}`);
  await card.waitFor(
    'the screen brightness restored once the card is hidden',
    () => wxState.brightness === DEVICE_BRIGHTNESS,
  );

  const button = await page.waitFor('the 签到 button', () =>
    page.byText('wx-button', '签到').find((b) => /签到领|今日已签到/.test(b.textContent)),
  );
  const label = button.textContent.trim();
  const reward = Number(/签到领\s*(\d+)/.exec(label)?.[1]);
  expect(reward > 0, `the check-in button reads "${label}" before any check-in`);
  sim.tap(button);
  await page.waitFor('"今日已签到" after the tap', () => page.byText('wx-button', '今日已签到')[0]);
  const toast = await page.waitFor('the check-in result toast', () => wxState.toasts.find((t) => t.includes('签到')));
  expect(toast.includes(`+${reward}`), `the toast says "${toast}", not +${reward}`);
  step(`tap on "${label}": page shows "今日已签到" and the toast "${toast}"`);

  const post = wxState.requests.filter((r) => r.method === 'POST' && r.path === '/api/me/checkin');
  expect(post.length === 1 && post[0].status === 200, `check-in requests: ${JSON.stringify(post)}`);
  expect(post[0].idempotencyKey, 'the check-in was sent without an Idempotency-Key');
  // Server state, read through a separate login of the same WeChat user.
  const other = await stack.api('POST', '/api/auth/login', { body: { code: `${IDENTITY}:verify` } });
  const status = await stack.api('GET', '/api/me/checkin', { token: other.token });
  expect(status.checkedInToday, `the server has no check-in for ${status.today}`);
  const after = await stack.api('GET', '/api/me/points', { token: other.token });
  expect(
    after.balance === before.balance + reward,
    `balance went ${before.balance} -> ${after.balance}, expected +${reward}`,
  );
  step(`server recorded the check-in on ${status.today}: balance ${before.balance} -> ${after.balance}`);
}

/** A hung request or page must not hang CI: the whole check normally takes a few seconds. */
const WATCHDOG_MS = 90_000;

async function main() {
  const started = Date.now();
  setTimeout(() => {
    console.error(`FAIL the check did not finish within ${WATCHDOG_MS / 1000} s`);
    process.exit(1);
  }, WATCHDOG_MS).unref();
  const stack = await startStack();
  let sim;
  try {
    const who = await prepareMember(stack);
    const wx = createWx({ serverUrl: stack.url, identity: IDENTITY });
    sim = loadWeapp({ dist, wx: wx.api });
    step(`weapp build ${dist} loaded (app.js, App(), Taro runtime)`);
    const card = await checkCard(sim, wx.state, stack, who);
    await checkCheckin(sim, wx.state, stack, who, card);
    for (const ids of wx.state.subscribeRequests) console.log(`info subscribe-message prompt for [${ids.join(', ')}]`);
    sim.restore();
    // Logged but not fatal (WeChat would show them in the console too): listed so they get looked at.
    for (const e of sim.errors.slice(0, 5)) console.log(`warn the mini-program logged: ${e.split('\n')[0]}`);
    console.log(`OK   weapp checked in the simulator in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    sim?.restore();
    console.error(`FAIL ${err instanceof SimError ? err.message : (err?.stack ?? err)}`);
    const errors = sim?.errors ?? [];
    if (errors.length) console.error(`  errors in the mini-program:\n    ${errors.slice(-5).join('\n    ')}`);
    process.exitCode = 1;
  } finally {
    await stack.close().catch(() => undefined);
  }
  // The card's code timer keeps running: end here.
  process.exit(process.exitCode ?? 0);
}

main().catch((err) => {
  console.error(`FAIL ${err instanceof SimError ? err.message : (err?.stack ?? err)}`);
  process.exit(1);
});
