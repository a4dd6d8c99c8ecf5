import { businessDate, isoWeekday } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, nextOrderNo } from './checkout-helpers';

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

/**
 * Purchase points are decided in one place (checkout/earning.ts with shared's
 * earningForPurchase): the operator's simulation of a purchase must give exactly
 * what the counter then credits, for the same member, amount, order number and time.
 */
test('the rule simulation and a real checkout give the same points, lines and growth', async () => {
  // Live rules with every ingredient: a campaign multiplier, an excluded prefix, and today a member day.
  const at = new Date(t.clock.now().getTime() + 30_000);
  const today = businessDate(at, 'Asia/Shanghai');
  await t.ctx.db.tx(async (q) => {
    await t.ctx.settings.set(
      q,
      'points.earning',
      { centsPerPoint: 100, multipliers: [{ code: 'campaign', percent: 130 }], excludedOrderPrefixes: ['GC'] },
      t.clock.now(),
    );
    await t.ctx.settings.set(
      q,
      'checkout.memberDays',
      { weekdays: [isoWeekday(today)], monthDays: [], multiplierPercent: 200 },
      t.clock.now(),
    );
  });
  const m = await t.login('same-points');
  // Normal tier, then the purchase that makes the member gold, then at the gold multiplier, then excluded.
  const purchases: { amountCents: number; orderNo: string }[] = [
    { amountCents: 1_234, orderNo: nextOrderNo() },
    { amountCents: 650_000, orderNo: nextOrderNo() },
    { amountCents: 99_999, orderNo: nextOrderNo() },
    { amountCents: 50_000, orderNo: `GC${nextOrderNo()}` },
  ];
  const seen = new Set<string>();
  for (const p of purchases) {
    // The checkout helper moves the clock 30 s on before it scans: simulate at that moment.
    const when = new Date(t.clock.now().getTime() + 30_000);
    const sim = await t.http('POST', '/api/admin/simulate', {
      token: op.token,
      body: { memberId: String(m.memberId), ...p, at: when.toISOString() },
    });
    expect(sim.status).toBe(200);
    const real = await checkout(t, staff.token, m.memberId, p.amountCents, p.orderNo);
    expect(real.status).toBe(200);
    expect({ points: real.body.points, lines: real.body.lines, growth: real.body.growth }).toEqual({
      points: sim.body.points,
      lines: sim.body.lines,
      growth: sim.body.growth,
    });
    expect(real.body.tier.code).toBe(sim.body.tierAfter);
    seen.add(`${sim.body.tierBefore}:${sim.body.memberDay}:${sim.body.excluded}`);
  }
  // The inputs did cover a tier change, the member day and an excluded order.
  expect([...seen]).toEqual(['normal:true:false', 'gold:true:false', 'gold:true:true']);
});
