import { startTestServer, type TestServer } from './harness';
import { checkout, nextOrderNo } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/** The operator reads behind the console: voucher search, refunds (list, and one made for a store), a member's points, audit filters. */
let t: TestServer;
let op: { token: string; staffId: number };
let staff: { token: string };
let storeId: string;
beforeAll(async () => {
  t = await startTestServer();
  op = await t.staffToken('operator');
  staff = await t.staffToken('staff');
  storeId = (await t.http('GET', '/api/admin/stores', { token: op.token })).body.items[0].id;
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

let seq = 0;
const key = () => `ac-key-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const get = (p: string) => t.http('GET', p, { token: op.token });
const fund = (memberId: number, delta: number) =>
  t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { memberId: String(memberId), delta, reason: 'console test', idempotencyKey: key() },
  });

test('vouchers are found by member, code, benefit and status; a cancelled one is found as cancelled', async () => {
  const b = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: '搜索券', costPoints: 10, stock: 10, validDays: 30, visibleFrom: '2020-01-01T00:00:00.000Z' },
  });
  // The operator's view carries the start of visibility the editor shows.
  expect(b.body.visibleFrom).toBe('2020-01-01T00:00:00.000Z');
  const [m1, m2] = [await t.login('ac-v1'), await t.login('ac-v2')];
  await fund(m1.memberId, 100);
  await fund(m2.memberId, 100);
  const redeem = (token: string) =>
    t.http('POST', '/api/me/redemptions', {
      token,
      headers: { 'idempotency-key': key() },
      body: { benefitId: b.body.id },
    });
  const v1 = (await redeem(m1.token)).body.voucher;
  await redeem(m1.token);
  await redeem(m2.token);

  const mine = await get(`/api/admin/vouchers?memberId=${m1.memberId}`);
  expect(mine.status).toBe(200);
  expect(mine.body.items).toHaveLength(2);
  expect(mine.body.items.every((v: { memberId: string }) => v.memberId === String(m1.memberId))).toBe(true);
  const byBenefit = await get(`/api/admin/vouchers?benefitId=${b.body.id}&limit=2`);
  expect(byBenefit.body.items).toHaveLength(2);
  const rest = await get(`/api/admin/vouchers?benefitId=${b.body.id}&limit=2&cursor=${byBenefit.body.nextCursor}`);
  expect(rest.body.items).toHaveLength(1);
  expect(rest.body.nextCursor).toBeNull();
  const byCode = await get(`/api/admin/vouchers?code=${v1.code.toLowerCase()}`);
  expect(byCode.body.items.map((v: { id: string }) => v.id)).toEqual([v1.id]);

  expect((await t.http('POST', `/api/admin/vouchers/${v1.id}/cancel`, { token: op.token })).status).toBe(200);
  const cancelled = await get(`/api/admin/vouchers?memberId=${m1.memberId}&status=cancelled`);
  expect(cancelled.body.items.map((v: { id: string }) => v.id)).toEqual([v1.id]);
  const unused = await get(`/api/admin/vouchers?memberId=${m1.memberId}&status=unused`);
  expect(unused.body.items).toHaveLength(1);
  expect((await get('/api/admin/vouchers?code=not-a-code')).status).toBe(400);
  expect((await get('/api/admin/vouchers?cursor=xyz')).body.code).toBe('VALIDATION_FAILED');
  expect((await t.http('GET', '/api/admin/vouchers', { token: staff.token })).status).toBe(403);
});

test("an operator refunds an order for its store, once per key; the refund is listed; another store's order is not found", async () => {
  const m = await t.login('ac-refund');
  const orderNo = nextOrderNo();
  expect((await checkout(t, staff.token, m.memberId, 10_000, orderNo)).status).toBe(200);
  const k = key();
  const send = (body: object, idem = k) =>
    t.http('POST', '/api/admin/refunds', { token: op.token, headers: { 'idempotency-key': idem }, body });
  const [a, b] = await Promise.all([
    send({ storeId, orderNo, amountCents: 4_000 }),
    send({ storeId, orderNo, amountCents: 4_000 }),
  ]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect([a.body.replayed, b.body.replayed].filter(Boolean)).toHaveLength(1);
  expect(a.body.pointsReversed).toBe(40);

  const other = await t.http('POST', '/api/admin/stores', {
    token: op.token,
    body: { code: 'AC-OTHER', name: '别店' },
  });
  expect((await send({ storeId: other.body.id, orderNo, amountCents: 1 }, key())).body.code).toBe('ORDER_NOT_FOUND');
  expect((await send({ storeId, orderNo, amountCents: 6_001 }, key())).body.code).toBe('REFUND_EXCEEDS_ORDER');

  const list = await get(`/api/admin/refunds?memberId=${m.memberId}`);
  expect(list.body.items).toHaveLength(1);
  expect(list.body.items[0]).toMatchObject({
    orderNo,
    storeId,
    memberId: String(m.memberId),
    amountCents: 4_000,
    orderAmountCents: 10_000,
    points: 40,
    staffId: String(op.staffId),
  });
  expect((await get(`/api/admin/refunds?orderNo=${orderNo}&store=${other.body.id}`)).body.items).toHaveLength(0);
});

test("a member's points history, newest first, paged; audit entries by target and by date", async () => {
  const m = await t.login('ac-points');
  await fund(m.memberId, 30);
  await fund(m.memberId, -10);
  const page = await get(`/api/admin/members/${m.memberId}/points?limit=1`);
  expect(page.body.items.map((e: { delta: number }) => e.delta)).toEqual([-10]);
  const next = await get(`/api/admin/members/${m.memberId}/points?limit=1&cursor=${page.body.nextCursor}`);
  expect(next.body.items.map((e: { delta: number }) => e.delta)).toEqual([30]);

  const about = await get(`/api/admin/audit?targetType=member&targetId=${m.memberId}`);
  expect(about.body.items.length).toBeGreaterThanOrEqual(2);
  expect(about.body.items.every((a: { targetId: string }) => a.targetId === String(m.memberId))).toBe(true);
  const byActor = await get(`/api/admin/audit?actorId=${op.staffId}&targetId=${m.memberId}`);
  expect(byActor.body.items).toHaveLength(about.body.items.length);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(t.clock.now());
  const inRange = await get(`/api/admin/audit?targetId=${m.memberId}&from=${today}&to=${today}`);
  expect(inRange.body.items).toHaveLength(about.body.items.length);
  const before = await get(`/api/admin/audit?targetId=${m.memberId}&to=2000-01-01`);
  expect(before.body.items).toHaveLength(0);
  expect((await get('/api/admin/audit?from=2026-02-30')).status).toBe(400);
});

test('dashboard trends: consecutive periods ending today, each the figures of the range query', async () => {
  const m = await t.login('ac-series');
  expect((await checkout(t, staff.token, m.memberId, 12_300)).status).toBe(200);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(t.clock.now());
  const days = await get(`/api/admin/metrics/series?periods=3&to=${today}`);
  expect(days.status).toBe(200);
  expect(days.body.periods.map((p: { from: string; to: string }) => p.from === p.to)).toEqual([true, true, true]);
  const last = days.body.periods[2];
  expect(last.to).toBe(today);
  const range = (await get(`/api/admin/metrics?from=${today}&to=${today}`)).body;
  expect(last).toMatchObject({
    orders: range.sales.orders,
    salesCents: range.sales.amountCents,
    newMembers: range.members.new,
  });
  expect(last.salesCents).toBeGreaterThanOrEqual(12_300);

  const weeks = await get(`/api/admin/metrics/series?grain=week&periods=2&to=${today}`);
  const [w1, w2] = weeks.body.periods;
  expect(w2.to).toBe(today);
  expect(w1.to < w2.from).toBe(true);
  const week = (await get(`/api/admin/metrics?from=${w2.from}&to=${w2.to}`)).body;
  expect(w2.salesCents).toBe(week.sales.amountCents);
  expect((await get('/api/admin/metrics/series?periods=99')).status).toBe(400);
});
