import { DEFAULT_POINTS_CASH } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count, nextOrderNo } from './checkout-helpers';
import { invariant1Violations } from './ledger-invariants';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/** Pending purchase points (`points.pendingDays`): held, not spendable, released once by the job, cancelled by refunds. */
let t: TestServer;
let staff: { token: string };
let op: { token: string };
beforeAll(async () => {
  t = await startTestServer();
  await t.ctx.db.tx(async (q) => {
    await t.ctx.settings.set(q, 'points.pendingDays', 7, t.clock.now());
    await t.ctx.settings.set(q, 'checkout.pointsCash', { ...DEFAULT_POINTS_CASH, maxSharePercent: 100 }, t.clock.now());
  });
  await tokens();
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  expect(await invariant1Violations(t)).toEqual([]);
});

/** Fresh staff and operator tokens (the clock moves by days here, past a token's life). */
async function tokens() {
  staff = await t.staffToken('staff');
  op = await t.staffToken('operator');
}
const days = async (n: number) => {
  t.clock.advance(n * 86_400_000);
  await tokens();
};
/** What GET /api/me/points answers, read in process (member tokens do not outlive the days the clock moves). */
const points = (m: { memberId: number }) => t.ctx.points.summary(m.memberId, t.clock.now());
const runRelease = async () => {
  const res = await t.http('POST', '/api/admin/jobs/points_pending_release/run', { token: op.token });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('done');
  return res.body;
};
let keySeq = 0;
const refund = (orderNo: string, amountCents: number) =>
  t.http('POST', '/api/staff/refunds', {
    token: staff.token,
    headers: { 'idempotency-key': `pp-refund-${++keySeq}` },
    body: { orderNo, amountCents },
  });

test('purchase points are pending, not spendable, and released once however often the job runs', async () => {
  const m = await t.login('pp-release');
  const res = await checkout(t, staff.token, m.memberId, 12_345);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ points: 123, pendingPoints: 123, balance: 0 });
  // Released at the start of the business day seven days after the purchase (Asia/Shanghai).
  expect(res.body.pendingUntil).toBe('2026-11-30T16:00:00.000Z');
  const before = (await t.http('GET', '/api/me/points', { token: m.token })).body;
  expect(before).toMatchObject({ balance: 0, pending: { total: 123 } });
  expect(before.pending.items).toEqual([{ points: 123, releasesAt: '2026-11-30T16:00:00.000Z' }]);
  // Not spendable: paying with them is refused, and the quote offers none.
  t.clock.advance(30_000);
  const spend = await t.http('POST', '/api/staff/checkout', {
    token: staff.token,
    body: { memberCode: await codeFor(t, m.memberId), orderNo: nextOrderNo(), amountCents: 1_000, redeemPoints: 100 },
  });
  expect(spend.body.code).toBe('INSUFFICIENT_POINTS');
  const quote = await t.http(
    'GET',
    `/api/staff/checkout/quote?memberCode=${await codeFor(t, m.memberId)}&amountCents=1000`,
    {
      token: staff.token,
    },
  );
  expect(quote.body).toMatchObject({ balance: 0, pendingPoints: 123, maxPoints: 0 });
  // Not due yet: the job releases nothing.
  expect((await runRelease()).processed).toBe(0);
  await days(7);
  const first = await runRelease();
  expect(first).toMatchObject({ processed: 1, detail: { releasedPoints: 123 } });
  const second = await runRelease();
  expect(second).toMatchObject({ processed: 0, detail: { releasedPoints: 0 } });
  expect(await points(m)).toMatchObject({ balance: 123, pending: { total: 0, items: [] } });
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = 'purchase'", [
      m.memberId,
    ]),
  ).toBe(1);
});

test('a member with several due purchases gets each released once, in passes of one per member', async () => {
  const a = await t.login('pp-many-a');
  const b = await t.login('pp-many-b');
  for (const amount of [1_000, 2_000, 3_000]) await checkout(t, staff.token, a.memberId, amount);
  await checkout(t, staff.token, b.memberId, 4_000);
  await days(8);
  // Two runs at once: one holds the lease, the other is refused or finds nothing left.
  const runs = await Promise.all([runRelease().catch(() => null), runRelease().catch(() => null)]);
  expect(runs.some((r) => r !== null)).toBe(true);
  expect(runs.reduce((s, r) => s + (r?.processed ?? 0), 0)).toBe(4);
  await runRelease();
  expect((await points(a)).balance).toBe(60);
  expect((await points(b)).balance).toBe(40);
});

test('a refund inside the window cancels pending points without debt; the rest is released', async () => {
  const m = await t.login('pp-refund');
  const orderNo = nextOrderNo();
  await checkout(t, staff.token, m.memberId, 10_000, orderNo); // 100 pending
  const r1 = await refund(orderNo, 2_500);
  expect(r1.status).toBe(200);
  expect(r1.body).toMatchObject({ pointsReversed: 25, pendingCancelled: 25, balance: 0 });
  expect(await points(m)).toMatchObject({ balance: 0, pending: { total: 75 } });
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND type = 'reversal'", [m.memberId]),
  ).toBe(0);
  await days(8);
  expect((await runRelease()).detail).toMatchObject({ releasedPoints: 75 });
  expect((await points(m)).balance).toBe(75);
  // After the release a refund claws back through the ledger, as without a window.
  const r2 = await refund(orderNo, 7_500);
  expect(r2.body).toMatchObject({ pointsReversed: 75, pendingCancelled: 0, balance: 0 });
});

test('a full refund inside the window cancels everything; the job has nothing to release', async () => {
  const m = await t.login('pp-full');
  const orderNo = nextOrderNo();
  await checkout(t, staff.token, m.memberId, 5_000, orderNo);
  const r = await refund(orderNo, 5_000);
  expect(r.body).toMatchObject({ pointsReversed: 50, pendingCancelled: 50, balance: 0 });
  expect((await points(m)).pending).toEqual({ total: 0, items: [] });
  await days(8);
  await runRelease();
  expect((await points(m)).balance).toBe(0);
  const states = await t.ctx.db.read((q) =>
    q.all<{ state: string }>('SELECT state FROM points_pending WHERE member_id = ?', [m.memberId]),
  );
  expect(states.map((s) => s.state)).toEqual(['cancelled']);
});

test('points paid at the till come from released points only, and earn pending points on the cash part', async () => {
  const m = await t.login('pp-spend');
  await checkout(t, staff.token, m.memberId, 50_000); // 500 pending
  await days(8);
  await runRelease();
  t.clock.advance(30_000);
  const res = await t.http('POST', '/api/staff/checkout', {
    token: staff.token,
    body: { memberCode: await codeFor(t, m.memberId), orderNo: nextOrderNo(), amountCents: 1_000, redeemPoints: 400 },
  });
  expect(res.body).toMatchObject({ redeemedPoints: 400, cashCents: 600, points: 6, pendingPoints: 6, balance: 100 });
});

test('a refund racing the release ends the same either way: cancelled before, or clawed back after', async () => {
  const members = await Promise.all([1, 2, 3, 4].map((i) => t.login(`pp-race-${i}`)));
  const orders: string[] = [];
  for (const m of members) {
    const orderNo = nextOrderNo();
    orders.push(orderNo);
    await checkout(t, staff.token, m.memberId, 10_000, orderNo); // 100 pending each
  }
  await days(8);
  const [, ...refunds] = await Promise.all([runRelease(), ...orders.map((o) => refund(o, 2_500))]);
  expect(refunds.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  expect(refunds.every((r) => r.body.pointsReversed === 25)).toBe(true);
  // Whatever each refund met (held or released points), the member keeps 75 and nothing is released twice.
  await runRelease();
  for (const m of members) expect((await points(m)).balance).toBe(75);
  const credits = await count(
    t,
    `SELECT COUNT(*) AS n FROM points_entries WHERE reason = 'purchase' AND member_id IN (${members.map(() => '?').join(', ')})`,
    members.map((m) => m.memberId),
  );
  expect(credits).toBe(4);
});
