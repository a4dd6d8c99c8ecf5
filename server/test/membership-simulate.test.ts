import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';

/**
 * The operator's simulation shows a paid plan's extra points (the member's plan or a draft), within the yearly
 * cap; the membership figures count extra points less what refunds of their purchases took back.
 */
let t: TestServer;
let op: string;
let staff: string;
beforeAll(async () => {
  t = await startTestServer();
  op = (await t.staffToken('operator')).token;
  staff = (await t.staffToken('staff')).token;
});
afterAll(async () => {
  await t.close();
});

let seq = 0;
let firstOrder = '';
const key = () => `ms-${process.pid}-${++seq}-abcdef`;
const sim = (body: Record<string, unknown>) => t.http('POST', '/api/admin/simulate', { token: op, body });
const line = (body: { lines: { code: string; points: number }[] }) => body.lines.find((l) => l.code === 'membership');

test("a member's paid plan: its extra points within what is left of the yearly cap, as the checkout gives them", async () => {
  const plan = await t.http('POST', '/api/admin/membership/plans', {
    token: op,
    headers: { 'Idempotency-Key': key() },
    body: {
      code: 'simcap',
      title: '月卡',
      priceFen: 3000,
      period: 'month',
      benefitKind: 'multiplier',
      benefitPercent: 200,
      yearlyCapPoints: 150,
    },
  });
  expect(plan.status).toBe(201);
  const m = await t.login('sim-paid');
  const buy = await t.http('POST', '/api/membership/purchase', {
    token: m.token,
    body: { planCode: 'simcap' },
    headers: { 'Idempotency-Key': key() },
  });
  expect(buy.status).toBe(200);
  await t.fake.pay.pay(buy.body.outTradeNo);

  const other = await t.login('sim-unpaid');
  const plain = await sim({ memberId: String(other.memberId), amountCents: 10_000 });
  expect(plain.status).toBe(200);
  expect(plain.body.membership).toBeNull();
  expect(line(plain.body)).toBeUndefined();

  // 100 yuan: base 100 points, the plan's 200 % gives 100 more; nothing of the cap used yet.
  const before = await sim({ memberId: String(m.memberId), amountCents: 10_000 });
  expect(before.body.membership).toEqual({
    planCode: 'simcap',
    benefitKind: 'multiplier',
    benefitPercent: 200,
    yearlyCapPoints: 150,
    wanted: 100,
    capUsed: 0,
    capLeft: 150,
    points: 100,
  });
  expect(line(before.body)).toEqual({ code: 'membership', points: 100 });
  expect(before.body.points).toBe(plain.body.points + 100);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM membership_caps')).toBe(0);
  const real = await checkout(t, staff, m.memberId, 10_000);
  firstOrder = real.body.orderNo;
  expect(real.body.points).toBe(before.body.points);
  expect(real.body.lines).toEqual(before.body.lines);

  // The cap has 50 left: the simulation cuts the extra points as the next checkout will.
  const after = await sim({ memberId: String(m.memberId), amountCents: 10_000 });
  expect(after.body.membership).toMatchObject({ wanted: 100, capUsed: 100, capLeft: 50, points: 50 });
  expect(line(after.body)).toEqual({ code: 'membership', points: 50 });
  expect(line((await checkout(t, staff, m.memberId, 10_000)).body)).toEqual({ code: 'membership', points: 50 });
  const spent = await sim({ memberId: String(m.memberId), amountCents: 10_000 });
  expect(spent.body.membership).toMatchObject({ capLeft: 0, points: 0 });
  expect(line(spent.body)).toBeUndefined();

  // A draft benefit in place of the plan: cash-back 5 % without a cap, the member's use of the year still counted.
  const draft = await sim({
    memberId: String(m.memberId),
    amountCents: 10_000,
    rules: { membershipPlan: { benefitKind: 'cashback', benefitPercent: 5, yearlyCapPoints: 0 } },
  });
  const valueCents = await t.ctx.settings.get('points.valueCents');
  const cashback = Math.floor((10_000 * 5) / 100 / valueCents);
  expect(draft.body.membership).toEqual({
    planCode: null,
    benefitKind: 'cashback',
    benefitPercent: 5,
    yearlyCapPoints: 0,
    wanted: cashback,
    capUsed: 150,
    capLeft: null,
    points: cashback,
  });
  // A draft plan for a member without one, and for a tier alone (no member: no cap used).
  const unpaidDraft = await sim({
    memberId: String(other.memberId),
    amountCents: 10_000,
    rules: { membershipPlan: { benefitKind: 'multiplier', benefitPercent: 150, yearlyCapPoints: 30 } },
  });
  expect(unpaidDraft.body.membership).toMatchObject({
    planCode: null,
    wanted: 50,
    capUsed: 0,
    capLeft: 30,
    points: 30,
  });
  const tierDraft = await sim({
    tierCode: 'normal',
    amountCents: 10_000,
    rules: { membershipPlan: { benefitKind: 'multiplier', benefitPercent: 150 } },
  });
  expect(tierDraft.body.membership).toMatchObject({ yearlyCapPoints: 0, capLeft: null, points: 50 });
  // A bad draft is a 400.
  const bad = await sim({
    tierCode: 'normal',
    amountCents: 10_000,
    rules: { membershipPlan: { benefitKind: 'double', benefitPercent: 150 } },
  });
  expect(bad.status).toBe(400);
  expect(await count(t, 'SELECT points AS n FROM membership_caps WHERE member_id = ?', [m.memberId])).toBe(150);
});

test('membership figures: extra points less the share refunds of their purchases took back', async () => {
  const figures = async () => (await t.http('GET', '/api/admin/membership/metrics', { token: op })).body;
  const valueCents = await t.ctx.settings.get('points.valueCents');
  expect(await figures()).toMatchObject({ paidMembers: 1, bonusPoints: 150, bonusRefundedPoints: 0 });
  // The same count as a gauge in the scrape.
  expect((await t.ctx.metrics.scrape()).body).toMatch(/^huiyuan_membership_paid_members 1$/m);
  // Half the first purchase (100 extra points) refunded: half its extra points go back.
  const refund = await t.http('POST', '/api/staff/refunds', {
    token: staff,
    body: { orderNo: firstOrder, amountCents: 5_000 },
    headers: { 'Idempotency-Key': key() },
  });
  expect(refund.status).toBe(200);
  const after = await figures();
  expect(after).toMatchObject({ bonusPoints: 100, bonusRefundedPoints: 50 });
  expect(after.bonusCostFen).toBe(Math.round(100 * valueCents));
});

test('pending points: a purchase whose only points are the extra points is held like any other', async () => {
  const res = await sim({
    tierCode: 'normal',
    amountCents: 50, // half a yuan: no base points; 5 % cash-back gives 2
    rules: { pendingDays: 7, membershipPlan: { benefitKind: 'cashback', benefitPercent: 5 } },
  });
  expect(res.status).toBe(200);
  expect(res.body.points).toBeGreaterThan(0);
  expect(res.body.points).toBe(line(res.body)!.points);
  expect(res.body.pending.releasesAt).not.toBeNull();
});
