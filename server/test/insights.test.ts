import { startTestServer, type TestServer } from './harness';
import { checkout } from './checkout-helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;

test('metrics match hand-computed values on a seeded data set; segments and churn lists export', async () => {
  const staff = await t.staffToken('staff');
  let op = await t.staffToken('operator');
  const a = await t.login('ins-a');
  const b = await t.login('ins-b');
  await t.login('ins-c');
  await checkout(t, staff.token, a.memberId, 10_000); // +100
  await checkout(t, staff.token, a.memberId, 5_000); // +50
  const bOrder = 'INS-B-1';
  await checkout(t, staff.token, b.memberId, 30_000, bOrder); // +300
  const refund = await t.http('POST', '/api/staff/refunds', {
    token: staff.token,
    headers: { 'idempotency-key': 'ins-refund-1' },
    body: { orderNo: bOrder, amountCents: 10_000 },
  });
  expect(refund.body.pointsReversed).toBe(100);
  await t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { memberId: String(a.memberId), delta: -30, reason: 'mall', idempotencyKey: 'ins-adjust-1' },
  });
  expect((await t.http('POST', '/api/me/checkin', { token: a.token })).body.points).toBe(10);
  const gift = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: '赠品', costPoints: 0, stock: 5, validDays: 3 },
  });
  const v = await t.http('POST', '/api/me/redemptions', {
    token: b.token,
    headers: { 'idempotency-key': 'ins-redeem-1' },
    body: { benefitId: gift.body.id },
  });
  expect(
    (await t.http('POST', '/api/staff/vouchers/redeem', { token: staff.token, body: { code: v.body.voucher.code } }))
      .status,
  ).toBe(200);

  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(t.clock.now());
  const m = await t.http('GET', `/api/admin/metrics?from=${today}&to=${today}`, { token: op.token });
  expect(m.status).toBe(200);
  expect(m.body.members).toEqual({ total: 3, new: 3, dau: 2, mau: 2 });
  expect(m.body.tiers).toEqual([
    { code: 'normal', name: '普卡', members: 3 },
    { code: 'silver', name: '银卡', members: 0 },
    { code: 'gold', name: '金卡', members: 0 },
  ]);
  expect(m.body.points).toEqual({
    issued: 460,
    redeemed: 30,
    expired: 0,
    reversed: 100,
    outstanding: 330,
    closedAccounts: 0,
    liabilityCents: 330,
    breakageRate: 0,
  });
  expect(m.body.vouchers).toEqual({ issued: 1, writtenOff: 1, writeOffRate: 1 });
  expect(m.body.checkin).toEqual({ checkins: 1, members: 1, participationRate: 0.5 });
  expect(m.body.referrals).toEqual({ invited: 0, registered: 0, purchased: 0, sharers: 0, shareRate: 0 });
  expect(m.body.sales).toEqual({
    orders: 3,
    amountCents: 45_000,
    refundedCents: 10_000,
    buyers: 2,
    repeatBuyers: 1,
    repeatPurchaseRate: 0.5,
    arpuCents: 11_667, // (45,000 - 10,000) net over 3 members
  });
  expect(m.body.stores).toEqual([
    expect.objectContaining({ orders: 3, amountCents: 45_000, pointsIssued: 450, buyers: 2 }),
  ]);

  const storeId = m.body.stores[0].storeId;
  const other = await t.ctx.db.tx((q) => t.ctx.staff.createStore(q, { code: 'INS-2', name: 'Other' }, t.clock.now()));
  const byStore = await t.http('GET', `/api/admin/metrics?from=${today}&to=${today}&store=${other}`, {
    token: op.token,
  });
  expect(byStore.body.sales.orders).toBe(0);
  expect(byStore.body.points.issued).toBe(0);
  expect(
    (await t.http('GET', `/api/admin/metrics?from=${today}&to=${today}&store=${storeId}`, { token: op.token })).body
      .sales.orders,
  ).toBe(3);

  const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    new Date(t.clock.now().getTime() - DAY),
  );
  const before = await t.http('GET', `/api/admin/metrics?from=${yesterday}&to=${yesterday}`, { token: op.token });
  expect(before.body.members).toEqual({ total: 0, new: 0, dau: 0, mau: 0 });
  expect((await t.http('GET', `/api/admin/metrics?from=${today}&to=${yesterday}`, { token: op.token })).status).toBe(
    400,
  );
  expect((await t.http('GET', '/api/admin/metrics?from=2026-02-30&to=2026-03-01', { token: op.token })).status).toBe(
    400,
  );

  const run = await t.http('POST', '/api/admin/segments/compute', { token: op.token });
  expect(run.body.members).toBe(3);
  const sizes = await t.http('GET', '/api/admin/segments', { token: op.token });
  expect(sizes.body.segments).toEqual([
    { segment: 'promising', members: 2 },
    { segment: 'prospect', members: 1 },
  ]);
  const csv = await t.http('GET', '/api/admin/segments/promising/members?format=csv', { token: op.token });
  expect(csv.headers.get('content-type')).toContain('text/csv');
  const lines = String(csv.body)
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe('memberId,maskedName,tier,segment,recencyDays,frequency,monetaryCents,lastActiveAt');
  expect(
    lines
      .slice(1)
      .map((l) => l.split(',')[0])
      .sort(),
  ).toEqual([String(a.memberId), String(b.memberId)].sort());
  expect((await t.http('GET', '/api/admin/segments/vip/members', { token: op.token })).status).toBe(400);

  expect((await t.http('GET', '/api/admin/churn?days=30', { token: op.token })).body.items).toEqual([]);
  t.clock.advance(31 * DAY);
  op = await t.staffToken('operator');
  const churn = await t.http('GET', '/api/admin/churn?days=30', { token: op.token });
  expect(churn.body.items.map((r: { memberId: string }) => r.memberId).sort()).toHaveLength(3);
  expect((await t.http('GET', '/api/admin/churn?days=45', { token: op.token })).status).toBe(400);
});

test("liability leaves out closed accounts' points; share rate counts members whose invite brought someone", async () => {
  const staff = await t.staffToken('staff');
  const op = await t.staffToken('operator');
  const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(t.clock.now());
  const points = async () =>
    (await t.http('GET', `/api/admin/metrics?from=${today()}&to=${today()}`, { token: op.token })).body;
  const before = await points();
  const keep = await t.login('liab-keep');
  const gone = await t.login('liab-gone');
  await checkout(t, staff.token, keep.memberId, 20_000); // +200
  await checkout(t, staff.token, gone.memberId, 50_000); // +500
  const mid = await points();
  expect(mid.points.outstanding - before.points.outstanding).toBe(700);
  expect((await t.http('POST', '/api/me/delete', { token: gone.token, body: { confirm: 'DELETE' } })).status).toBe(200);
  const after = await points();
  expect(after.points.outstanding - before.points.outstanding).toBe(200);
  expect(after.points.closedAccounts - before.points.closedAccounts).toBe(500);
  expect(after.points.liabilityCents).toBe(after.points.outstanding); // 1 cent a point by default

  // An invite: the inviter's code brings a new member, who makes the inviter a sharer today.
  const code = (await t.http('GET', '/api/me/referrals', { token: keep.token })).body.code;
  const res = await t.http('POST', '/api/auth/login', { body: { code: 'liab-invitee:x1', ref: code } });
  expect(res.status).toBe(200);
  const shared = await points();
  expect(shared.referrals.sharers).toBe(1);
  expect(shared.referrals.shareRate).toBeCloseTo(1 / shared.members.mau, 4);
});
