import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count, nextOrderNo } from './checkout-helpers';
import { compose, markReady } from '../src/compose';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/core/logger';

/**
 * Limits shared by every instance and not aimable by a stranger: the same budget
 * with one or three instances on one database, failures at one store or from one
 * address that do not lock the member or the account out elsewhere, and the
 * operator's unlock. Client addresses come from X-Forwarded-For (TRUST_PROXY=1).
 */
let t: TestServer;
const extra: Server[] = [];
let urls: string[] = [];

beforeAll(async () => {
  t = await startTestServer({ env: { LOGIN_RATE_PER_MINUTE: '10', TRUST_PROXY: '1' } });
  // Two more instances on the same database: each its own services (compose), as after a scale-out.
  const quiet = createLogger('error', new Writable({ write: (_c, _e, cb) => cb() }));
  for (let i = 0; i < 2; i++) {
    const ctx = compose(t.ctx.config, t.ctx.db.dataSource, quiet, t.clock);
    markReady(ctx);
    extra.push(
      await new Promise<Server>((resolve) => {
        const s = createApp(ctx).listen(0, '127.0.0.1', () => resolve(s));
      }),
    );
  }
  urls = [t.url, ...extra.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`)];
});
afterAll(async () => {
  for (const s of extra) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await t.close();
});

async function post(url: string, path: string, body: unknown, from: string, token?: string) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': from,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const statuses = (rs: { status: number }[]) =>
  rs.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

test('member logins per address: the same budget with one instance or three', async () => {
  const one = [];
  for (let i = 0; i < 30; i++) one.push(await post(urls[0], '/api/auth/login', { code: `rl1-${i}:1` }, '10.1.0.1'));
  const three = [];
  for (let i = 0; i < 30; i++)
    three.push(await post(urls[i % 3], '/api/auth/login', { code: `rl3-${i}:1` }, '10.1.0.2'));
  // The clock stands still, so both runs fall in one window: exactly the budget, not 3x it.
  expect(statuses(one)).toEqual({ 200: 10, 429: 20 });
  expect(statuses(three)).toEqual({ 200: 10, 429: 20 });
  expect(three[29].body).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
  // A new window: the address may log in again.
  t.clock.advance(60_000);
  expect((await post(urls[1], '/api/auth/login', { code: 'rl3-later:1' }, '10.1.0.2')).status).toBe(200);
});

test('member logins per WeChat identity, whatever the address', async () => {
  const rs = [];
  for (let i = 0; i < 24; i++)
    rs.push(await post(urls[i % 3], '/api/auth/login', { code: `rl-same:${i}` }, `10.2.0.${i}`));
  expect(statuses(rs)).toEqual({ 200: 20, 429: 4 });
  // Another identity from the same addresses is not affected.
  expect((await post(urls[0], '/api/auth/login', { code: 'rl-other:1' }, '10.2.0.1')).status).toBe(200);
});

test('wrong member codes at another store never lock the member out at this one', async () => {
  const here = await t.staffToken('staff');
  const storeB = await t.ctx.db.tx((q) => t.ctx.staff.createStore(q, { code: 'RL-B', name: 'B' }, t.clock.now()));
  const there = await t.staffToken('staff', storeB);
  const m = await t.login('rl-victim');
  const lookup = async (url: string, token: string, code: string) =>
    (
      await fetch(`${url}/api/staff/members/lookup?code=${code}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).status;
  const wrong = [];
  for (let i = 0; i < 15; i++) {
    const guess = `${m.memberId}`.padStart(10, '0') + String(100000 + i).slice(-6);
    wrong.push({ status: await lookup(urls[i % 3], there.token, guess) });
  }
  expect(statuses(wrong)).toEqual({ 400: 10, 429: 5 });
  // At the other store even the right code now waits (per store and member, on every instance)...
  expect(await lookup(urls[1], there.token, await codeFor(t, m.memberId))).toBe(429);
  // ...but at this store the member's code works on every instance.
  for (const url of urls) {
    expect(await lookup(url, here.token, await codeFor(t, m.memberId))).toBe(200);
    t.clock.advance(30_000); // a fresh code step for the next scan
  }
  // A checkout reads the budgets with one statement and counts its scan in its own COMMIT.
  const scans = () => count(t, "SELECT COALESCE(SUM(hits), 0) AS n FROM rate_windows WHERE scope = 'code_scan'");
  const before = await scans();
  expect((await checkout(t, here.token, m.memberId, 1000, nextOrderNo())).status).toBe(200);
  expect(await scans()).toBe(before + 1);
});

test('staff lockout per (username, address), a slower backstop per username, and the operator unlock', async () => {
  const now = t.clock.now();
  const id = await t.ctx.db.tx((q) =>
    t.ctx.staff.create(
      q,
      { username: 'rl-clerk', password: 'right password 1', displayName: 'Clerk', role: 'operator', storeId: null },
      now,
    ),
  );
  const login = (password: string, from: string, i = 0) =>
    post(urls[i % 3], '/api/staff/login', { username: 'rl-clerk', password }, from);
  const failures = [];
  for (let i = 0; i < 10; i++) failures.push(await login('wrong password', '10.3.0.1', i));
  expect(statuses(failures)).toEqual({ 401: 10 });
  // A minute on, the address's attempt budget (LOGIN_RATE_PER_MINUTE=10 here) is new; the lockout (15 min) is not.
  t.clock.advance(60_000);
  expect((await login('wrong password', '10.3.0.1')).status).toBe(429);
  // Locked from that address, even with the right password...
  expect((await login('right password 1', '10.3.0.1')).status).toBe(429);
  // ...but the right password from another address logs in, on any instance.
  expect((await login('right password 1', '10.3.0.2', 1)).status).toBe(200);

  // The backstop: failures spread over many addresses lock the username everywhere (50 per hour).
  for (let a = 3; a < 7; a++) for (let i = 0; i < 10; i++) await login('wrong password', `10.3.0.${a}`, i);
  const locked = await login('right password 1', '10.3.0.9');
  expect(locked.status).toBe(429);

  const op = await t.staffToken('operator');
  const clerk = await t.staffToken('staff');
  const unlock = (token: string | undefined, target: string | number = id) =>
    post(urls[2], `/api/admin/staff/${target}/unlock`, {}, '10.3.0.99', token);
  expect((await unlock(clerk.token)).status).toBe(403);
  expect((await unlock(undefined)).status).toBe(401);
  expect((await unlock(op.token, 'abc')).status).toBe(400);
  expect((await unlock(op.token, 999_999)).body.code).toBe('NOT_FOUND');
  expect((await login('right password 1', '10.3.0.9')).status).toBe(429); // refusals changed nothing
  const done = await unlock(op.token);
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ staffId: String(id), username: 'rl-clerk', cleared: expect.any(Number) });
  expect(done.body.cleared).toBeGreaterThan(0);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'staff.unlock' AND target_id = ?", [String(id)]),
  ).toBe(1);
  expect((await login('right password 1', '10.3.0.1')).status).toBe(200);
  expect((await login('right password 1', '10.3.0.9', 1)).status).toBe(200);
});

test('retention deletes ended windows and keeps the current ones', async () => {
  const current = await count(t, 'SELECT COUNT(*) AS n FROM rate_windows WHERE expires_at > ?', [
    t.clock.now().getTime(),
  ]);
  t.clock.advance(2 * 3_600_000);
  expect((await t.ctx.jobs.run('rate_window_purge', 'test')).status).toBe('done');
  expect(await count(t, 'SELECT COUNT(*) AS n FROM rate_windows')).toBe(0);
  expect(current).toBeGreaterThan(0);
});
