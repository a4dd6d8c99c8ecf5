import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { bonusLineIn } from '../src/modules/membership/bonus';

/**
 * Paid membership end to end against the fake WeChat Pay: purchase, activation only
 * by a confirmed payment (20 duplicate notifications give one period), renewal from
 * the end, expiry stopping benefits, the tier floor, paid-members-only benefits,
 * extra points within the yearly cap, and the pro-rata refund after partial use.
 */
let t: TestServer;
let op: string;
let staff: string;
const DAY = 86_400_000;
beforeAll(async () => {
  t = await startTestServer();
  op = (await t.staffToken('operator')).token;
  staff = (await t.staffToken('staff')).token;
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

let seq = 0;
const key = () => `mk-${process.pid}-${++seq}-abcdef`;
const admin = (method: string, path: string, body?: unknown) =>
  t.http(method, path, { token: op, body, headers: { 'Idempotency-Key': key() } });

async function setup(code: string, extra: Record<string, unknown> = {}) {
  const benefit = await admin('POST', '/api/admin/benefits', {
    title: `会员券${code}`,
    costPoints: 100,
    stock: 100,
    validDays: 60,
  });
  expect(benefit.status).toBe(201);
  const rule = await admin('POST', '/api/admin/gift-rules', {
    name: `pack ${code}`,
    trigger: 'membership',
    vouchers: [{ benefitId: benefit.body.id, count: 2 }],
  });
  expect(rule.status).toBe(201);
  const plan = await admin('POST', '/api/admin/membership/plans', {
    code,
    title: `月卡${code}`,
    priceFen: 3000,
    period: 'month',
    benefitKind: 'multiplier',
    benefitPercent: 200,
    yearlyCapPoints: 150,
    packGiftRuleId: rule.body.id,
    tierFloor: 'gold',
    ...extra,
  });
  expect(plan.status).toBe(201);
  return { plan: plan.body, benefitId: benefit.body.id as string };
}

/** Starts a purchase and pays it at the fake WeChat Pay (`mode` as the fake takes it). */
async function buy(token: string, planCode: string, mode: 'normal' | 'duplicate' = 'normal') {
  const res = await t.http('POST', '/api/membership/purchase', {
    token,
    body: { planCode },
    headers: { 'Idempotency-Key': key() },
  });
  expect(res.status).toBe(200);
  expect(res.body.requestPayment.package).toMatch(/^prepay_id=/);
  await t.fake.pay.pay(res.body.outTradeNo, mode, { count: 20 });
  return res.body.outTradeNo as string;
}
const mine = async (token: string) => (await t.http('GET', '/api/me/membership', { token })).body;
/** Moves the server clock; tokens issued before a jump of days have expired, so fresh ones are taken. */
async function setClock(ms: number) {
  (t.clock as unknown as { t: Date }).t = new Date(ms);
  op = (await t.staffToken('operator')).token;
  staff = (await t.staffToken('staff')).token;
}
const jump = (ms: number) => setClock(t.clock.now().getTime() + ms);

test('only a confirmed payment activates; 20 duplicate notifications add one period; renewal extends from the end', async () => {
  const { plan } = await setup('renew');
  const m = await t.login('member-renew');
  const plans = await t.http('GET', '/api/membership/plans', { token: m.token });
  expect(plans.body.payAvailable).toBe(true);
  expect(plans.body.items.find((p: { code: string }) => p.code === 'renew').pack[0].count).toBe(2);

  const start = await t.http('POST', '/api/membership/purchase', {
    token: m.token,
    body: { planCode: 'renew' },
    headers: { 'Idempotency-Key': key() },
  });
  // Not paid: polling asks WeChat, finds it unpaid, and nothing starts.
  const poll = await t.http('GET', `/api/membership/orders/${start.body.outTradeNo}`, { token: m.token });
  expect(poll.body).toMatchObject({ state: 'CREATED', activated: false, membership: { status: 'none' } });

  await t.fake.pay.pay(start.body.outTradeNo, 'duplicate', { count: 20 });
  expect(await count(t, 'SELECT COUNT(*) AS n FROM subscription_periods WHERE member_id = ?', [m.memberId])).toBe(1);
  const paid = await t.http('GET', `/api/membership/orders/${start.body.outTradeNo}`, { token: m.token });
  expect(paid.body).toMatchObject({ state: 'PAID', activated: true, membership: { status: 'active' } });
  const first = await mine(m.token);
  const now = t.clock.now().getTime();
  expect(Date.parse(first.endsAt)).toBeGreaterThanOrEqual(now + 28 * DAY);

  // The tier floor: a new member shows gold while paid.
  expect((await t.http('GET', '/api/me/tier', { token: m.token })).body.current.code).toBe('gold');
  // Check-in batches read the floor too: gold's 150 % for the paid member, the lowest tier's 100 % for another.
  const other = await t.login('member-renew-friend');
  const multipliers = await t.ctx.db.read((q) => t.ctx.tiers.multipliersOfIn(q, [m.memberId, other.memberId]));
  expect([multipliers.get(m.memberId), multipliers.get(other.memberId)]).toEqual([150, 100]);

  // Renewal ten days in: the new month starts at the old end, not today.
  await jump(10 * DAY);
  await buy((await t.login('member-renew')).token, 'renew');
  const renewed = await mine((await t.login('member-renew')).token);
  expect(Date.parse(renewed.endsAt)).toBeGreaterThan(Date.parse(first.endsAt) + 27 * DAY);
  expect(renewed.startedAt).toBe(first.startedAt);

  // A price change applies to new purchases only.
  expect((await admin('PATCH', `/api/admin/membership/plans/${plan.id}`, { priceFen: 5000 })).status).toBe(200);
  const periods = await t.ctx.db.read((q) =>
    q.all<{ amount_fen: number }>('SELECT amount_fen FROM subscription_periods WHERE member_id = ? ORDER BY id', [
      m.memberId,
    ]),
  );
  expect(periods.map((p) => Number(p.amount_fen))).toEqual([3000, 3000]);
  const again = await t.http('POST', '/api/membership/purchase', {
    token: (await t.login('member-renew')).token,
    body: { planCode: 'renew' },
    headers: { 'Idempotency-Key': key() },
  });
  expect(again.body.priceFen).toBe(5000);
});

test('concurrent onPaid deliveries of one order through the transaction helper add one period', async () => {
  await setup('race');
  const m = await t.login('member-race');
  const res = await t.http('POST', '/api/membership/purchase', {
    token: m.token,
    body: { planCode: 'race' },
    headers: { 'Idempotency-Key': key() },
  });
  const purchase = await t.ctx.db.read((q) =>
    q.one<{ id: number }>('SELECT id FROM membership_purchases WHERE out_trade_no = ?', [res.body.outTradeNo]),
  );
  const order = {
    outTradeNo: res.body.outTradeNo,
    memberId: m.memberId,
    purpose: 'membership' as const,
    purposeRef: String(purchase!.id),
    amountFen: 3000,
    transactionId: 'x',
    paidAt: t.clock.now().getTime(),
  };
  await Promise.all(Array.from({ length: 20 }, () => t.ctx.db.tx((q) => t.ctx.membership.onPaidIn(q, order))));
  expect(await count(t, 'SELECT COUNT(*) AS n FROM subscription_periods WHERE member_id = ?', [m.memberId])).toBe(1);
  expect(await count(t, 'SELECT periods AS n FROM member_subscriptions WHERE member_id = ?', [m.memberId])).toBe(1);
  // Settle the real order so reconcile sees the period's order as paid.
  await t.fake.pay.pay(res.body.outTradeNo, 'normal');
});

test('expiry stops benefits by time; the job marks it and tells the member; the next purchase starts fresh', async () => {
  const { benefitId } = await setup('lapse');
  const paidOnly = await admin('POST', '/api/admin/benefits', {
    title: '会员专享',
    costPoints: 0,
    stock: 10,
    validDays: 30,
    paidMembersOnly: true,
  });
  const m = await t.login('member-lapse');
  await buy(m.token, 'lapse');
  const redeem = (k: string) =>
    t.http('POST', '/api/me/redemptions', {
      token: m.token,
      body: { benefitId: paidOnly.body.id },
      headers: { 'Idempotency-Key': k },
    });
  expect((await redeem(key())).status).toBe(200);
  const end = Date.parse((await mine(m.token)).endsAt);

  await setClock(end + 1000);
  const m2 = await t.login('member-lapse');
  expect((await mine(m2.token)).status).toBe('expired');
  expect((await t.http('GET', '/api/me/tier', { token: m2.token })).body.current.code).toBe('normal');
  const refused = await t.http('POST', '/api/me/redemptions', {
    token: m2.token,
    body: { benefitId: paidOnly.body.id },
    headers: { 'Idempotency-Key': key() },
  });
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe('PAID_MEMBERS_ONLY');
  const sale = await checkout(t, staff, m.memberId, 10_000);
  expect(sale.body.lines.some((l: { code: string }) => l.code === 'membership')).toBe(false);

  const run = await t.http('POST', '/api/admin/jobs/membership_expiry/run', { token: op });
  expect(run.status).toBe(200);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM member_subscriptions WHERE member_id = ? AND status = 'expired'", [
      m.memberId,
    ]),
  ).toBe(1);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND kind = 'membership_expired'", [
      m.memberId,
    ]),
  ).toBe(1);

  await jump(5 * DAY);
  const m3 = await t.login('member-lapse');
  await buy(m3.token, 'lapse');
  const fresh = await mine(m3.token);
  expect(fresh.status).toBe('active');
  expect(Date.parse(fresh.startedAt)).toBe(t.clock.now().getTime());
  expect(benefitId).toBeTruthy();
});

test('extra points: multiplier within the yearly cap, also under concurrent checkouts', async () => {
  await setup('cap');
  const m = await t.login('member-cap');
  await buy(m.token, 'cap');
  // 100 yuan: base 100 points, the plan's 200 % gives 100 more (cap 150).
  const a = await checkout(t, staff, m.memberId, 10_000);
  expect(a.status).toBe(200);
  expect(a.body.lines).toContainEqual({ code: 'membership', points: 100 });
  const b = await checkout(t, staff, m.memberId, 10_000);
  expect(b.body.lines).toContainEqual({ code: 'membership', points: 50 });
  const c = await checkout(t, staff, m.memberId, 10_000);
  expect(c.body.lines.some((l: { code: string }) => l.code === 'membership')).toBe(false);
  // Refunding half of the first order takes half its extra points back and gives that share of the cap back.
  const refund = await t.http('POST', '/api/staff/refunds', {
    token: staff,
    body: { orderNo: a.body.orderNo, amountCents: 5_000 },
    headers: { 'Idempotency-Key': key() },
  });
  expect(refund.status).toBe(200);
  expect(await count(t, 'SELECT points AS n FROM membership_caps WHERE member_id = ?', [m.memberId])).toBe(100);
  const d = await checkout(t, staff, m.memberId, 10_000);
  expect(d.body.lines).toContainEqual({ code: 'membership', points: 50 });

  // A second member, 20 purchases at once straight through the checkout's hook: never past the cap.
  const n = await t.login('member-cap-2');
  await buy(n.token, 'cap');
  const date = '2026-12-01';
  const lines = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      t.ctx.db.tx((q) =>
        bonusLineIn(
          q,
          {
            memberId: n.memberId,
            storeId: 1,
            orderNo: `cap-${i}`,
            basePoints: 30,
            cashCents: 3000,
            date,
            now: t.clock.now(),
          },
          1,
        ),
      ),
    ),
  );
  const given = lines.reduce((s, l) => s + (l?.points ?? 0), 0);
  expect(given).toBe(150);
  expect(await count(t, 'SELECT points AS n FROM membership_caps WHERE member_id = ?', [n.memberId])).toBe(150);
  expect(await count(t, 'SELECT SUM(points) AS n FROM membership_bonus WHERE member_id = ?', [n.memberId])).toBe(150);
});

test('cash-back: a share of the cash part as points; a replayed checkout gives it once', async () => {
  await setup('cashback', { benefitKind: 'cashback', benefitPercent: 5, yearlyCapPoints: 0, tierFloor: null });
  const m = await t.login('member-cashback');
  await buy(m.token, 'cashback');
  // 5 % of 199.99 yuan = 999.95 fen: 999 points at the default 1 fen per point.
  const orderNo = `cb-${process.pid}`;
  const a = await checkout(t, staff, m.memberId, 19_999, orderNo);
  expect(a.body.lines).toContainEqual({ code: 'membership', points: 999 });
  const again = await checkout(t, staff, m.memberId, 19_999, orderNo);
  expect(again.body.replayed).toBe(true);
  expect(await count(t, 'SELECT SUM(points) AS n FROM membership_bonus WHERE member_id = ?', [m.memberId])).toBe(999);
  expect((await mine(m.token)).thisYear.bonusPoints).toBe(999);
});

test('refund after partial use: pro rata less vouchers used, unused pack vouchers cancelled, extra points taken back', async () => {
  await setup('refund', { yearlyCapPoints: 0 });
  const m = await t.login('member-refund');
  const outTradeNo = await buy(m.token, 'refund');
  await t.ctx.gifts.drain();
  const vouchers = await t.ctx.db.read((q) =>
    q.all<{ id: number; code: string }>(
      "SELECT id, code FROM vouchers WHERE member_id = ? AND status = 'unused' ORDER BY id",
      [m.memberId],
    ),
  );
  expect(vouchers).toHaveLength(2);
  // One pack voucher written off at the till (value 100 points x 1 fen), one left unused.
  const off = await t.http('POST', '/api/staff/vouchers/redeem', { token: staff, body: { code: vouchers[0].code } });
  expect(off.status).toBe(200);
  const sale = await checkout(t, staff, m.memberId, 5_000); // 50 base points: 50 extra
  expect(sale.body.lines).toContainEqual({ code: 'membership', points: 50 });

  await jump(10 * DAY);
  const preview = await t.http('GET', `/api/admin/membership/refund-preview?memberId=${m.memberId}`, { token: op });
  expect(preview.status).toBe(200);
  const p = preview.body;
  expect(p.full).toBe(false);
  expect(p.outTradeNo).toBe(outTradeNo);
  expect(p.bonusPoints).toBe(50);
  expect(p.unusedVouchers).toBe(1);
  expect(p.usedValueFen).toBe(100);
  expect(p.refundFen).toBe(Math.floor((3000 * p.unusedDays) / p.totalDays) - 100);
  expect(p.unusedDays).toBe(p.totalDays - 11);

  const refund = await admin('POST', '/api/admin/membership/refunds', {
    memberId: String(m.memberId),
    periodId: p.periodId,
    reason: '会员申请退款',
  });
  expect(refund.status).toBe(200);
  expect(refund.body.refundFen).toBe(p.refundFen);
  // The fake settles the refund shortly after and notifies; effects follow in payments' transaction.
  for (
    let i = 0;
    i < 50 &&
    (await count(t, "SELECT COUNT(*) AS n FROM membership_refunds WHERE status = 'done' AND member_id = ?", [
      m.memberId,
    ])) === 0;
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  expect((await mine((await t.login('member-refund')).token)).status).toBe('refunded');
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ? AND status = 'cancelled'", [m.memberId]),
  ).toBe(1);
  expect(
    await count(t, "SELECT -SUM(delta) AS n FROM points_entries WHERE member_id = ? AND reason = 'membership_refund'", [
      m.memberId,
    ]),
  ).toBe(50);
  // Nothing left to refund.
  expect(
    (await t.http('GET', `/api/admin/membership/refund-preview?memberId=${m.memberId}`, { token: op })).status,
  ).toBe(404);
  // The member's data export carries the membership: the period and its refund.
  const exported = (await t.http('GET', '/api/me/export', { token: (await t.login('member-refund')).token })).body;
  expect(exported.membership.subscription.status).toBe('refunded');
  expect(exported.membership.periods).toHaveLength(1);
  expect(exported.membership.refunds).toMatchObject([{ status: 'done', points_clawed: 50, vouchers_cancelled: 1 }]);
  const metrics = await t.http('GET', '/api/admin/membership/metrics', { token: op });
  expect(metrics.body.refundedFen).toBeGreaterThanOrEqual(p.refundFen);
});

test('a refund within the full-refund window with nothing used is the full price and ends the membership now', async () => {
  await setup('full', { tierFloor: null });
  const m = await t.login('member-full');
  await buy(m.token, 'full');
  await jump(2 * DAY);
  const p = (await t.http('GET', `/api/admin/membership/refund-preview?memberId=${m.memberId}`, { token: op })).body;
  expect(p).toMatchObject({ full: true, refundFen: 3000, bonusPoints: 0, usedValueFen: 0 });
  t.fake.pay.refundMode = 'sync';
  try {
    const r = await admin('POST', '/api/admin/membership/refunds', {
      memberId: String(m.memberId),
      periodId: p.periodId,
      reason: '七天内退款',
    });
    expect(r.body).toMatchObject({ refundFen: 3000, replayed: false });
  } finally {
    t.fake.pay.refundMode = 'async';
  }
  const after = await mine((await t.login('member-full')).token);
  expect(after.status).toBe('refunded');
  expect(Date.parse(after.endsAt)).toBe(t.clock.now().getTime());
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM membership_refunds WHERE member_id = ? AND status = 'done'", [
      m.memberId,
    ]),
  ).toBe(1);
});

test('refunding a renewal paid early takes back only that period: full price, the current one and its pack untouched', async () => {
  await setup('early', { tierFloor: null });
  const m = await t.login('member-early');
  await buy(m.token, 'early');
  await t.ctx.gifts.drain();
  const firstEnd = (await mine(m.token)).endsAt;
  await buy(m.token, 'early');
  const p = (await t.http('GET', `/api/admin/membership/refund-preview?memberId=${m.memberId}`, { token: op })).body;
  expect(p).toMatchObject({ full: true, refundFen: 3000, unusedVouchers: 0, endsAt: firstEnd });
  const r = await admin('POST', '/api/admin/membership/refunds', {
    memberId: String(m.memberId),
    periodId: p.periodId,
    reason: '多付了一期',
  });
  expect(r.status).toBe(200);
  const done = () =>
    count(t, "SELECT COUNT(*) AS n FROM membership_refunds WHERE status = 'done' AND member_id = ?", [m.memberId]);
  for (let i = 0; i < 50 && (await done()) === 0; i++) await new Promise((res) => setTimeout(res, 50));
  const after = await mine(m.token);
  expect(after).toMatchObject({ status: 'active', endsAt: firstEnd });
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ? AND status = 'cancelled'", [m.memberId]),
  ).toBe(0);
  // Once ended, a period has nothing left to refund.
  await setClock(Date.parse(firstEnd) + 1000);
  const ended = await t.http('GET', `/api/admin/membership/refund-preview?memberId=${m.memberId}`, { token: op });
  expect([ended.status, ended.body.code]).toEqual([404, 'NOT_FOUND']);
});

test('a refund WeChat Pay closed changes nothing; the operator retrying asks again under a new key and then it takes effect', async () => {
  await setup('closed', { tierFloor: null });
  const m = await t.login('member-closed');
  const outTradeNo = await buy(m.token, 'closed');
  const p = (await t.http('GET', `/api/admin/membership/refund-preview?memberId=${m.memberId}`, { token: op })).body;
  const k = key();
  const ask = () =>
    t.http('POST', '/api/admin/membership/refunds', {
      token: op,
      body: { memberId: String(m.memberId), periodId: p.periodId, reason: '退款' },
      headers: { 'Idempotency-Key': k },
    });
  const refunds = (state: string) =>
    count(t, 'SELECT COUNT(*) AS n FROM pay_refunds WHERE out_trade_no = ? AND state = ?', [outTradeNo, state]);
  const until = async (f: () => Promise<boolean>) => {
    for (let i = 0; i < 60 && !(await f()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  t.fake.pay.refundMode = 'close';
  try {
    expect((await ask()).body.status).toBe('requested');
    await until(async () => (await refunds('CLOSED')) === 1);
  } finally {
    t.fake.pay.refundMode = 'async';
  }
  expect(await refunds('CLOSED')).toBe(1);
  expect((await mine(m.token)).status).toBe('active');
  const retried = await ask();
  expect(retried.body.replayed).toBe(true);
  await until(async () => (await mine(m.token)).status === 'refunded');
  expect((await mine(m.token)).status).toBe('refunded');
  expect(await refunds('SUCCESS')).toBe(1);
  expect(await count(t, 'SELECT attempts AS n FROM membership_refunds WHERE member_id = ?', [m.memberId])).toBe(1);
});

test('bad input is a stable 4xx and changes nothing', async () => {
  const m = await t.login('member-bad');
  const unknown = await t.http('POST', '/api/membership/purchase', {
    token: m.token,
    body: { planCode: 'nope' },
    headers: { 'Idempotency-Key': key() },
  });
  expect([unknown.status, unknown.body.code]).toEqual([404, 'PLAN_NOT_FOUND']);
  const noKey = await t.http('POST', '/api/membership/purchase', { token: m.token, body: { planCode: 'nope' } });
  expect(noKey.status).toBe(400);
  const dup = await admin('POST', '/api/admin/membership/plans', {
    code: 'renew',
    title: 'x',
    priceFen: 1,
    period: 'month',
    benefitKind: 'cashback',
    benefitPercent: 5,
  });
  expect([dup.status, dup.body.code]).toEqual([409, 'PLAN_CODE_TAKEN']);
  const status = await t.http('GET', '/api/membership/orders/HYnotmine000', { token: m.token });
  expect([status.status, status.body.code]).toEqual([404, 'PAY_ORDER_NOT_FOUND']);
  expect((await t.http('GET', '/api/admin/membership/plans', { token: m.token })).status).toBe(401);
});
