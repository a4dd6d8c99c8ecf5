import { DEFAULT_POINTS_CASH, type PointsCashRules } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { codeFor, count, memberWithPoints, nextOrderNo } from './checkout-helpers';
import { invariant1Violations, scalar } from './ledger-invariants';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/** Points as cash at the till (积分抵现): quote, debit, earning on the cash part, caps, consent, replays, refunds. */
let t: TestServer;
let staff: { token: string };
let op: { token: string };
beforeAll(async () => {
  t = await startTestServer();
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

const setCash = (r: Partial<PointsCashRules>) =>
  t.ctx.db.tx((q) => t.ctx.settings.set(q, 'checkout.pointsCash', { ...DEFAULT_POINTS_CASH, ...r }, t.clock.now()));
beforeEach(() => setCash({ perMemberDailyPoints: 0 }));

/** A member with `points` to spend (an operator's adjustment). */
const memberWith = (identity: string, points: number) => memberWithPoints(t, op.token, identity, points);

const pay = (body: Record<string, unknown>) => t.http('POST', '/api/staff/checkout', { token: staff.token, body });
async function payWithPoints(memberId: number, amountCents: number, redeemPoints: number, orderNo = nextOrderNo()) {
  t.clock.advance(30_000); // each scan uses a step once
  return pay({ memberCode: await codeFor(t, memberId), orderNo, amountCents, redeemPoints });
}
const balance = async (token: string) => (await t.http('GET', '/api/me/points', { token })).body.balance as number;

test('the quote shows balance, the most usable points and the split, and changes nothing', async () => {
  const m = await memberWith('cp-quote', 3_000);
  const code = await codeFor(t, m.memberId);
  const q = await t.http('GET', `/api/staff/checkout/quote?memberCode=${code}&amountCents=10000`, {
    token: staff.token,
  });
  expect(q.status).toBe(200);
  expect(q.body).toMatchObject({
    memberId: String(m.memberId),
    balance: 3_000,
    pendingPoints: 0,
    maxPoints: 3_000, // the balance is below the 50 % share (5,000)
    split: { points: 3_000, discountCents: 3_000, cashCents: 7_000 },
    earnPoints: 70,
  });
  const some = await t.http('GET', `/api/staff/checkout/quote?memberCode=${code}&amountCents=4000&points=500`, {
    token: staff.token,
  });
  expect(some.body).toMatchObject({ maxPoints: 2_000, split: { points: 500, discountCents: 500, cashCents: 3_500 } });
  // The quote did not use the code up: the checkout with it goes through.
  const res = await pay({ memberCode: code, orderNo: nextOrderNo(), amountCents: 10_000, redeemPoints: 3_000 });
  expect(res.status).toBe(200);
  const bad = await t.http('GET', `/api/staff/checkout/quote?memberCode=${code}&amountCents=0`, { token: staff.token });
  expect(bad.status).toBe(400);
  // An operator has no store: the counter's endpoints are store-scoped.
  const other = await t.http('GET', `/api/staff/checkout/quote?memberCode=${code}&amountCents=100`, {
    token: op.token,
  });
  expect(other.body.code).toBe('STORE_REQUIRED');
});

test('paying with points debits them, earns on the cash part only and records both on the order', async () => {
  const m = await memberWith('cp-basic', 5_000);
  const orderNo = nextOrderNo();
  const res = await payWithPoints(m.memberId, 10_050, 2_000, orderNo);
  expect(res.status).toBe(200);
  // 100.50 yuan - 20.00 paid with points = 80.50 in cash: 80 points and 80 growth.
  expect(res.body).toMatchObject({
    redeemedPoints: 2_000,
    discountCents: 2_000,
    cashCents: 8_050,
    points: 80,
    growth: 80,
    balance: 5_000 - 2_000 + 80,
    pendingPoints: 0,
    pendingUntil: null,
  });
  expect(await balance(m.token)).toBe(3_080);
  const rows = await t.ctx.db.read((q) =>
    q.all<{ reason: string; delta: number }>(
      "SELECT reason, delta FROM points_entries WHERE member_id = ? AND reason IN ('checkout_redeem', 'purchase') ORDER BY id",
      [m.memberId],
    ),
  );
  expect(rows.map((r) => [r.reason, Number(r.delta)])).toEqual([
    ['checkout_redeem', -2_000],
    ['purchase', 80],
  ]);
  const order = await t.ctx.db.read((q) =>
    q.one<Record<string, unknown>>('SELECT redeemed_points, discount_cents, points FROM orders WHERE order_no = ?', [
      orderNo,
    ]),
  );
  expect(Object.values(order!).map(Number)).toEqual([2_000, 2_000, 80]);
});

test('a replay returns the first result; other points for the same order are a conflict', async () => {
  const m = await memberWith('cp-replay', 1_000);
  const orderNo = nextOrderNo();
  t.clock.advance(30_000);
  const body = { memberCode: await codeFor(t, m.memberId), orderNo, amountCents: 2_000, redeemPoints: 600 };
  const all = await Promise.all(Array.from({ length: 8 }, () => pay(body)));
  expect(all.map((r) => r.status)).toEqual(Array(8).fill(200));
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  const { replayed: _a, ...first } = all.find((r) => !r.body.replayed)!.body;
  for (const r of all) expect({ ...r.body, replayed: false }).toEqual({ ...first, replayed: false });
  expect(await balance(m.token)).toBe(1_000 - 600 + 14);
  const conflict = await pay({ ...body, redeemPoints: 500 });
  expect(conflict.status).toBe(409);
  expect(conflict.body.code).toBe('IDEMPOTENCY_CONFLICT');
  expect(
    await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE reason = ? AND member_id = ?', [
      'checkout_redeem',
      m.memberId,
    ]),
  ).toBe(1);
});

test('two tills paying with the same points at once never overspend', async () => {
  const m = await memberWith('cp-race', 1_000);
  let paid = 0;
  for (let round = 0; round < 8; round++) {
    t.clock.advance(60_000);
    // The two codes a member's card may show at once: the previous and the current step, one per till.
    const codes = [
      await codeFor(t, m.memberId, new Date(t.clock.now().getTime() - 30_000)),
      await codeFor(t, m.memberId),
    ];
    const left = await balance(m.token);
    // Each asks for 60 % of the balance; the order is small enough that its cash part earns too little to cover both.
    const want = Math.max(1, Math.ceil(left * 0.6));
    const res = await Promise.all(
      codes.map((memberCode) => pay({ memberCode, orderNo: nextOrderNo(), amountCents: want * 2, redeemPoints: want })),
    );
    const ok = res.filter((r) => r.status === 200);
    for (const r of res.filter((x) => x.status !== 200)) expect(r.body.code).toBe('INSUFFICIENT_POINTS');
    expect(ok).toHaveLength(left >= 1 ? 1 : 0);
    paid += ok.reduce((s, r) => s + r.body.redeemedPoints, 0);
    expect(await balance(m.token)).toBeGreaterThanOrEqual(0);
  }
  const debits = await scalar(
    t,
    "SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE member_id = ? AND reason = 'checkout_redeem'",
    [m.memberId],
  );
  expect(-debits).toBe(paid);
  expect(paid).toBeLessThanOrEqual(
    1_000 +
      (await scalar(
        t,
        "SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE member_id = ? AND reason = 'purchase'",
        [m.memberId],
      )),
  );
  expect(await invariant1Violations(t, [m.memberId])).toEqual([]);
});

test('the share of the order and the daily cap limit the points; nothing is written when refused', async () => {
  const m = await memberWith('cp-caps', 20_000);
  const share = await payWithPoints(m.memberId, 10_000, 5_001); // 50 % of 100 yuan = 5,000 points
  expect(share.status).toBe(409);
  expect(share.body.code).toBe('REDEEM_LIMIT_EXCEEDED');
  expect(share.body.details).toMatchObject({ limit: 'share' });
  await setCash({ perMemberDailyPoints: 6_000 });
  expect((await payWithPoints(m.memberId, 10_000, 5_000)).status).toBe(200);
  const daily = await payWithPoints(m.memberId, 10_000, 1_001);
  expect(daily.status).toBe(409);
  expect(daily.body.details).toMatchObject({ limit: 'daily', left: 1_000 });
  expect((await payWithPoints(m.memberId, 10_000, 1_000)).status).toBe(200);
  const code = await codeFor(t, m.memberId);
  const quote = await t.http('GET', `/api/staff/checkout/quote?memberCode=${code}&amountCents=10000`, {
    token: staff.token,
  });
  expect(quote.body).toMatchObject({ redeemedToday: 6_000, maxPoints: 0 });
  // The next business day the cap starts again.
  t.clock.advance(86_400_000);
  staff = await t.staffToken('staff'); // tokens of yesterday have expired
  op = await t.staffToken('operator');
  expect((await payWithPoints(m.memberId, 10_000, 1_000)).status).toBe(200);
  await setCash({ enabled: false });
  expect((await payWithPoints(m.memberId, 10_000, 1)).body.code).toBe('REDEEM_LIMIT_EXCEEDED');
  expect(await count(t, 'SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [m.memberId])).toBe(3);
  await setCash({ perMemberDailyPoints: 0 });
  const poor = await memberWith('cp-poor', 100);
  expect((await payWithPoints(poor.memberId, 10_000, 101)).body.code).toBe('INSUFFICIENT_POINTS');
  expect(await balance(poor.token)).toBe(100);
});

test("a refund gives the points paid back to the day's allowance at tills, in proportion", async () => {
  const m = await memberWith('cp-cap-refund', 20_000);
  await setCash({ perMemberDailyPoints: 5_000 });
  const orderNo = nextOrderNo();
  expect((await payWithPoints(m.memberId, 10_000, 5_000, orderNo)).status).toBe(200);
  expect((await payWithPoints(m.memberId, 10_000, 1)).body.details).toMatchObject({ limit: 'daily', left: 0 });
  const refund = (amountCents: number, n: number) =>
    t.http('POST', '/api/staff/refunds', {
      token: staff.token,
      headers: { 'idempotency-key': `cp-cap-refund-${orderNo}-${n}` },
      body: { orderNo, amountCents },
    });
  expect((await refund(4_000, 1)).body.redeemedPointsReturned).toBe(2_000);
  // A replayed refund gives nothing back twice.
  expect((await refund(4_000, 1)).body).toMatchObject({ redeemedPointsReturned: 2_000, replayed: true });
  const over = await payWithPoints(m.memberId, 10_000, 2_001);
  expect(over.body.details).toMatchObject({ limit: 'daily', left: 2_000 });
  expect((await payWithPoints(m.memberId, 10_000, 2_000)).status).toBe(200);
  expect((await payWithPoints(m.memberId, 10_000, 1)).body.details).toMatchObject({ left: 0 });
});

test('second-scan mode asks for a second, fresh member code', async () => {
  await setCash({ confirm: 'second_scan', perMemberDailyPoints: 0 });
  const m = await memberWith('cp-second', 2_000);
  t.clock.advance(60_000);
  const now = t.clock.now().getTime();
  const first = await codeFor(t, m.memberId, new Date(now - 30_000));
  const fresh = await codeFor(t, m.memberId);
  const base = { memberCode: first, amountCents: 1_000, redeemPoints: 300 };
  expect((await pay({ ...base, orderNo: nextOrderNo() })).body.code).toBe('REDEEM_CODE_REQUIRED');
  expect((await pay({ ...base, orderNo: nextOrderNo(), redeemCode: first })).body.code).toBe('REDEEM_CODE_REQUIRED');
  const other = await t.login('cp-second-other');
  const foreign = await pay({ ...base, orderNo: nextOrderNo(), redeemCode: await codeFor(t, other.memberId) });
  expect(foreign.body.code).toBe('MEMBER_CODE_INVALID');
  expect(await balance(m.token)).toBe(2_000);
  const ok = await pay({ ...base, orderNo: nextOrderNo(), redeemCode: fresh });
  expect(ok.status).toBe(200);
  expect(ok.body.redeemedPoints).toBe(300);
  // Both steps are used now: neither code works again, as checkout or as consent.
  t.clock.advance(1_000);
  const again = await pay({ memberCode: fresh, amountCents: 1_000, orderNo: nextOrderNo() });
  expect(again.body.code).toBe('MEMBER_CODE_REPLAYED');
  // Without points the one scan is enough, as before.
  t.clock.advance(30_000);
  expect(
    (await pay({ memberCode: await codeFor(t, m.memberId), orderNo: nextOrderNo(), amountCents: 500 })).status,
  ).toBe(200);
});

test('refunds give redeemed points back in proportion, adding up to what was paid', async () => {
  const m = await memberWith('cp-refund', 5_000);
  const orderNo = nextOrderNo();
  const res = await payWithPoints(m.memberId, 10_000, 1_001, orderNo); // 10.01 yuan with points, 89.99 in cash: 89 points
  expect(res.body).toMatchObject({ redeemedPoints: 1_001, points: 89, balance: 5_000 - 1_001 + 89 });
  let key = 0;
  const refund = (amountCents: number) =>
    t.http('POST', '/api/staff/refunds', {
      token: staff.token,
      headers: { 'idempotency-key': `cp-refund-${orderNo}-${++key}` },
      body: { orderNo, amountCents },
    });
  const parts = [3_333, 3_333, 3_334];
  const got = [];
  for (const p of parts) {
    const r = await refund(p);
    expect(r.status).toBe(200);
    got.push(r.body);
  }
  // Given back: floor(1001 x refunded / amount) so far, minus what came back before; earned points rounded up against the member.
  expect(got.map((r) => r.redeemedPointsReturned)).toEqual([333, 334, 334]);
  expect(got.map((r) => r.pointsReversed)).toEqual([30, 30, 29]);
  expect(got.reduce((s, r) => s + r.redeemedPointsReturned, 0)).toBe(1_001);
  expect(await balance(m.token)).toBe(5_000);
  const order = await t.ctx.db.read((q) =>
    q.one<{ redeem_returned: number }>('SELECT redeem_returned FROM orders WHERE order_no = ?', [orderNo]),
  );
  expect(Number(order!.redeem_returned)).toBe(1_001);
  // A replayed refund gives nothing back twice.
  const replay = await t.http('POST', '/api/staff/refunds', {
    token: staff.token,
    headers: { 'idempotency-key': `cp-refund-${orderNo}-1` },
    body: { orderNo, amountCents: 3_333 },
  });
  expect(replay.body).toMatchObject({ replayed: true, redeemedPointsReturned: 333 });
  expect(await balance(m.token)).toBe(5_000);
});

test('the simulation splits an order as the counter does', async () => {
  const res = await t.http('POST', '/api/admin/simulate', {
    token: op.token,
    body: { amountCents: 10_000, tierCode: 'normal', redeemPoints: 9_000 },
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ redeemedPoints: 5_000, discountCents: 5_000, cashCents: 5_000, points: 50 });
  const draft = await t.http('POST', '/api/admin/simulate', {
    token: op.token,
    body: {
      amountCents: 10_000,
      tierCode: 'normal',
      redeemPoints: 9_000,
      rules: { pointsCash: { ...DEFAULT_POINTS_CASH, pointsPerYuan: 10, maxSharePercent: 30 } },
    },
  });
  expect(draft.body).toMatchObject({ redeemedPoints: 300, discountCents: 3_000, cashCents: 7_000, points: 70 });
});

test('reconcile finds an order whose points payment disagrees with the ledger', async () => {
  const m = await memberWith('cp-reconcile', 1_000);
  const orderNo = nextOrderNo();
  expect((await payWithPoints(m.memberId, 2_000, 500, orderNo)).status).toBe(200);
  const name = 'checkout: points paid at tills debited once, given back by refunds at most once and in full';
  const set = (points: number) =>
    t.ctx.db.tx((q) => q.exec('UPDATE orders SET redeemed_points = ? WHERE order_no = ?', [points, orderNo]));
  await set(400);
  try {
    const found = (await checkInvariants(t.ctx.db)).filter((v) => v.invariant === name);
    expect(found).toEqual([
      expect.objectContaining({ invariant: name, detail: expect.objectContaining({ redeemed: 400 }) }),
    ]);
  } finally {
    await set(500);
  }
});
