import { DEFAULT_POINTS_CASH } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { codeFor, count, memberWithPoints, nextOrderNo } from './checkout-helpers';
import { invariant1Violations } from './ledger-invariants';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/** Points as cash confirmed on the member's phone (`checkout.pointsCash.confirm: phone`). */
let t: TestServer;
let staff: { token: string };
let op: { token: string };
beforeAll(async () => {
  t = await startTestServer();
  await t.ctx.db.tx((q) =>
    t.ctx.settings.set(
      q,
      'checkout.pointsCash',
      { ...DEFAULT_POINTS_CASH, confirm: 'phone', maxSharePercent: 100, perMemberDailyPoints: 0 },
      t.clock.now(),
    ),
  );
  staff = await t.staffToken('staff');
  op = await t.staffToken('operator');
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  expect(await invariant1Violations(t)).toEqual([]);
});

const memberWith = (identity: string, points: number) => memberWithPoints(t, op.token, identity, points);
const ask = async (memberId: number, body: Record<string, unknown>, token = staff.token) => {
  t.clock.advance(30_000);
  return t.http('POST', '/api/staff/checkout/redeem-confirmations', {
    token,
    body: { memberCode: await codeFor(t, memberId), ...body },
  });
};
const state = (id: string, token = staff.token) =>
  t.http('GET', `/api/staff/checkout/redeem-confirmations/${id}`, { token });
const pay = (body: Record<string, unknown>) => t.http('POST', '/api/staff/checkout', { token: staff.token, body });
const balance = async (token: string) => (await t.http('GET', '/api/me/points', { token })).body.balance as number;

test('the member confirms in the app; the token pays exactly that order with those points, once', async () => {
  const m = await memberWith('rp-main', 5_000);
  // With the code alone points are refused, and nothing is written.
  t.clock.advance(30_000);
  const direct = await pay({
    memberCode: await codeFor(t, m.memberId),
    orderNo: nextOrderNo(),
    amountCents: 10_000,
    redeemPoints: 1_000,
  });
  expect([direct.status, direct.body.code]).toEqual([400, 'REDEEM_CODE_REQUIRED']);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [m.memberId])).toBe(0);

  const orderNo = nextOrderNo();
  const asked = await ask(m.memberId, { orderNo, amountCents: 10_000, redeemPoints: 1_000 });
  expect(asked.status).toBe(200);
  expect(asked.body).toMatchObject({ points: 1_000, discountCents: 1_000, cashCents: 9_000 });
  const id = asked.body.requestId as string;
  expect((await state(id)).body).toMatchObject({ status: 'pending', memberToken: null });
  // Not a lookup: the lookup state endpoint does not know it.
  expect((await t.http('GET', `/api/staff/members/phone-lookup/${id}`, { token: staff.token })).status).toBe(404);

  const list = (await t.http('GET', '/api/me/confirmations', { token: m.token })).body.items;
  expect(list).toEqual([
    expect.objectContaining({
      id,
      purpose: 'redeem',
      points: 1_000,
      discountCents: 1_000,
      amountCents: 10_000,
      confirm: 'member_confirm',
      code: null,
    }),
  ]);
  expect((await t.http('POST', `/api/me/confirmations/${id}/confirm`, { token: m.token })).status).toBe(200);
  const ready = (await state(id)).body;
  expect(ready.status).toBe('confirmed');
  const token = ready.memberToken as string;

  // Other points, amount or order: refused; no points at all: refused too.
  for (const wrong of [
    { orderNo, amountCents: 10_000, redeemPoints: 900 },
    { orderNo, amountCents: 9_000, redeemPoints: 1_000 },
    { orderNo: nextOrderNo(), amountCents: 10_000, redeemPoints: 1_000 },
    { orderNo, amountCents: 10_000 },
  ]) {
    const r = await pay({ memberToken: token, ...wrong });
    expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  }
  // Two tills sending it at once: one order, one debit.
  const body = { memberToken: token, orderNo, amountCents: 10_000, redeemPoints: 1_000 };
  const both = await Promise.all([pay(body), pay(body)]);
  expect(both.map((r) => r.status)).toEqual([200, 200]);
  expect(both.map((r) => r.body.replayed).sort()).toEqual([false, true]);
  expect(both[0].body).toMatchObject({ memberId: String(m.memberId), redeemedPoints: 1_000, points: 90 });
  expect(await balance(m.token)).toBe(5_000 - 1_000 + 90);
  expect((await state(id)).body).toMatchObject({ status: 'used', memberToken: null });
  expect(await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'redeem.request'")).toBe(1);
});

test('refused or not answered: the clerk sees pending then expired; other stores see nothing', async () => {
  const m = await memberWith('rp-refuse', 2_000);
  const orderNo = nextOrderNo();
  const id = (await ask(m.memberId, { orderNo, amountCents: 4_000, redeemPoints: 500 })).body.requestId as string;
  const other = await t.ctx.db.tx((q) =>
    t.ctx.staff.createStore(q, { code: `RP${process.pid}`, name: 'Other' }, t.clock.now()),
  );
  expect((await state(id, (await t.staffToken('staff', other)).token)).status).toBe(404);
  expect((await t.http('POST', `/api/me/confirmations/${id}/reject`, { token: m.token })).status).toBe(200);
  expect((await state(id)).body.status).toBe('pending');
  t.clock.advance(121_000);
  staff = await t.staffToken('staff');
  expect((await state(id)).body).toMatchObject({ status: 'expired', memberToken: null });
  expect(await balance((await t.login('rp-refuse')).token)).toBe(2_000);
});

test('past the share of the order or with points as cash off: refused before asking the member', async () => {
  const m = await memberWith('rp-share', 50_000);
  await t.ctx.db.tx((q) =>
    t.ctx.settings.set(
      q,
      'checkout.pointsCash',
      { ...DEFAULT_POINTS_CASH, confirm: 'phone', maxSharePercent: 10, perMemberDailyPoints: 0 },
      t.clock.now(),
    ),
  );
  try {
    const r = await ask(m.memberId, { orderNo: nextOrderNo(), amountCents: 10_000, redeemPoints: 2_000 });
    expect([r.status, r.body.code]).toEqual([409, 'REDEEM_LIMIT_EXCEEDED']);
    expect((await t.http('GET', '/api/me/confirmations', { token: m.token })).body.items).toEqual([]);
  } finally {
    await t.ctx.db.tx((q) =>
      t.ctx.settings.set(
        q,
        'checkout.pointsCash',
        { ...DEFAULT_POINTS_CASH, confirm: 'phone', maxSharePercent: 100, perMemberDailyPoints: 0 },
        t.clock.now(),
      ),
    );
  }
});
