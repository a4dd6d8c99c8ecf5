import { startTestServer, type TestServer } from './harness';
import { checkout, count, nextOrderNo } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

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
});

let keySeq = 0;
const refund = (orderNo: string, amountCents: number, key = `refund-key-${++keySeq}`) =>
  t.http('POST', '/api/staff/refunds', {
    token: staff.token,
    headers: { 'idempotency-key': key },
    body: { orderNo, amountCents },
  });
const balance = async (token: string) => (await t.http('GET', '/api/me/points', { token })).body.balance;

test('partial then full refunds reverse points and growth in proportion, rounding against the member', async () => {
  const m = await t.login('rf-partial');
  const orderNo = nextOrderNo();
  expect((await checkout(t, staff.token, m.memberId, 10_050, orderNo)).body.points).toBe(100);
  const r1 = await refund(orderNo, 3_333); // 33.16% of 100 points -> 34 back (rounded up)
  expect(r1.status).toBe(200);
  expect(r1.body).toMatchObject({ pointsReversed: 34, growthReversed: 34, refundedCentsTotal: 3_333, balance: 66 });
  const r2 = await refund(orderNo, 10_050 - 3_333);
  expect(r2.body).toMatchObject({ pointsReversed: 66, growthReversed: 66, balance: 0 });
  const over = await refund(orderNo, 1);
  expect(over.status).toBe(409);
  expect(over.body.code).toBe('REFUND_EXCEEDS_ORDER');
  const tier = await t.http('GET', '/api/me/tier', { token: m.token });
  expect(tier.body.growthInWindow).toBe(0);
});

test('a replayed refund returns the first result; the same key with another amount is a conflict', async () => {
  const m = await t.login('rf-replay');
  const orderNo = nextOrderNo();
  await checkout(t, staff.token, m.memberId, 20_000, orderNo);
  const all = await Promise.all(Array.from({ length: 10 }, () => refund(orderNo, 5_000, 'rf-replay-key-1')));
  expect(all.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM refunds WHERE idem_key = ?', ['rf-replay-key-1'])).toBe(1);
  expect(await balance(m.token)).toBe(150);
  const conflict = await refund(orderNo, 6_000, 'rf-replay-key-1');
  expect(conflict.status).toBe(409);
  expect(conflict.body.code).toBe('IDEMPOTENCY_CONFLICT');
  expect(
    (await t.http('POST', '/api/staff/refunds', { token: staff.token, body: { orderNo, amountCents: 1 } })).status,
  ).toBe(400);
});

test('concurrent partial refunds never refund more than the order', async () => {
  const m = await t.login('rf-race');
  const orderNo = nextOrderNo();
  await checkout(t, staff.token, m.memberId, 10_000, orderNo);
  const all = await Promise.all(Array.from({ length: 15 }, () => refund(orderNo, 1_000)));
  expect(all.filter((r) => r.status === 200)).toHaveLength(10);
  expect(all.filter((r) => r.status === 409).every((r) => r.body.code === 'REFUND_EXCEEDS_ORDER')).toBe(true);
  expect(await balance(m.token)).toBe(0);
});

test('points already spent become a debt that the next credit pays off first', async () => {
  const m = await t.login('rf-debt');
  const orderNo = nextOrderNo();
  await checkout(t, staff.token, m.memberId, 10_000, orderNo); // +100
  const spend = await t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { memberId: String(m.memberId), delta: -80, reason: 'spent in the mall', idempotencyKey: 'rf-debt-spend' },
  });
  expect(spend.status).toBe(200);
  const r = await refund(orderNo, 10_000);
  expect(r.body).toMatchObject({ pointsReversed: 100, balance: -80 });
  const entries = await t.http('GET', '/api/me/points/entries', { token: m.token });
  expect(entries.body.items[0]).toMatchObject({ type: 'reversal', delta: -100, balanceAfter: -80 });
  const next = await checkout(t, staff.token, m.memberId, 10_000); // +100 pays the 80 debt first
  expect(next.body.balance).toBe(20);
  const lots = await t.ctx.db.read((q) =>
    q.all<{ remaining: number }>('SELECT remaining FROM points_lots WHERE member_id = ? AND remaining > 0', [
      m.memberId,
    ]),
  );
  expect(lots.map((l) => Number(l.remaining))).toEqual([20]);
});
