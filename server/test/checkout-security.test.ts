import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count, nextOrderNo } from './checkout-helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

test('guessing codes is throttled per store, and then even a right code waits', async () => {
  const staff = await t.staffToken('staff');
  const m = await t.login('sec-brute');
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const guess = `${m.memberId}`.padStart(10, '0') + String(100000 + i).slice(-6);
    statuses.push((await t.http('GET', `/api/staff/members/lookup?code=${guess}`, { token: staff.token })).status);
  }
  expect(statuses.slice(0, 5).every((s) => s === 400)).toBe(true);
  expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  const right = await t.http('GET', `/api/staff/members/lookup?code=${await codeFor(t, m.memberId)}`, {
    token: staff.token,
  });
  expect(right.status).toBe(429);
  // A minute later the store may scan again.
  t.clock.advance(6 * 60_000);
  const later = await t.http('GET', `/api/staff/members/lookup?code=${await codeFor(t, m.memberId)}`, {
    token: staff.token,
  });
  expect(later.status).toBe(200);
  expect(later.body).toMatchObject({
    memberId: String(m.memberId),
    balance: 0,
    tier: { code: 'normal' },
    memberDay: false,
  });
});

test('wrong codes at checkout are counted though the checkout rolls back, and nothing is credited', async () => {
  t.clock.advance(10 * 60_000); // windows of the test above are over
  const staff = await t.staffToken('staff');
  const m = await t.login('sec-brute-checkout');
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const memberCode = `${m.memberId}`.padStart(10, '0') + String(200000 + i).slice(-6);
    const res = await t.http('POST', '/api/staff/checkout', {
      token: staff.token,
      body: { memberCode, orderNo: nextOrderNo(), amountCents: 1000 },
    });
    statuses.push(res.status);
  }
  expect(statuses.slice(0, 5).every((s) => s === 400)).toBe(true);
  expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  const right = await checkout(t, staff.token, m.memberId, 1000);
  expect(right.status).toBe(429);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [m.memberId])).toBe(0);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(0);
  t.clock.advance(10 * 60_000);
  expect((await checkout(t, staff.token, m.memberId, 1000)).status).toBe(200);
});

test('member tokens, operators without a store and other stores are refused', async () => {
  const storeB = await t.ctx.db.tx((q) => t.ctx.staff.createStore(q, { code: 'SEC-B', name: 'B' }, t.clock.now()));
  const a = await t.staffToken('staff');
  const b = await t.staffToken('staff', storeB);
  const op = await t.staffToken('operator');
  const m = await t.login('sec-cross');
  const orderNo = nextOrderNo();
  expect((await checkout(t, a.token, m.memberId, 10_000, orderNo)).status).toBe(200);

  const asMember = await t.http('POST', '/api/staff/checkout', {
    token: m.token,
    body: { memberCode: await codeFor(t, m.memberId), orderNo: nextOrderNo(), amountCents: 100 },
  });
  expect(asMember.status).toBe(401);
  const asOperator = await checkout(t, op.token, m.memberId, 100);
  expect(asOperator.status).toBe(403);
  expect(asOperator.body.code).toBe('STORE_REQUIRED');
  // Store B cannot refund store A's order: for B it does not exist.
  const refund = await t.http('POST', '/api/staff/refunds', {
    token: b.token,
    headers: { 'idempotency-key': 'sec-cross-refund-1' },
    body: { orderNo, amountCents: 100 },
  });
  expect(refund.status).toBe(404);
  expect(refund.body.code).toBe('ORDER_NOT_FOUND');
  expect(await count(t, 'SELECT COUNT(*) AS n FROM refunds')).toBe(0);
  expect(
    (
      await t.http('POST', '/api/staff/refunds', {
        token: m.token,
        headers: { 'idempotency-key': 'sec-cross-refund-2' },
        body: { orderNo, amountCents: 100 },
      })
    ).status,
  ).toBe(401);
});

test('staff cannot credit their own member account', async () => {
  const s = await t.staffToken('staff');
  const m = await t.login('sec-self');
  await t.ctx.db.tx((q) => q.exec('UPDATE staff_accounts SET member_id = ? WHERE id = ?', [m.memberId, s.staffId]));
  const res = await checkout(t, s.token, m.memberId, 10_000);
  expect(res.status).toBe(403);
  expect(res.body.code).toBe('SELF_CREDIT_FORBIDDEN');
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(0);
});

test('daily caps per staff and per member refuse the credit that would pass them, writing nothing', async () => {
  await t.ctx.db.tx((q) =>
    t.ctx.settings.set(q, 'checkout.caps', { perStaffDailyPoints: 250, perMemberDailyPoints: 150 }, t.clock.now()),
  );
  try {
    const s = await t.staffToken('staff');
    const m1 = await t.login('sec-cap-1');
    const m2 = await t.login('sec-cap-2');
    expect((await checkout(t, s.token, m1.memberId, 10_000)).status).toBe(200); // 100
    const overMember = await checkout(t, s.token, m1.memberId, 6_000); // member would reach 160 > 150
    expect(overMember.status).toBe(409);
    expect(overMember.body).toMatchObject({ code: 'DAILY_CAP_REACHED', details: { scope: 'member_credit' } });
    expect((await checkout(t, s.token, m2.memberId, 15_000)).status).toBe(200); // staff at 250
    const overStaff = await checkout(t, s.token, m2.memberId, 100);
    expect(overStaff.body).toMatchObject({ code: 'DAILY_CAP_REACHED', details: { scope: 'staff_credit' } });
    expect(await count(t, 'SELECT COUNT(*) AS n FROM orders WHERE staff_id = ?', [s.staffId])).toBe(2);
    const audits = await count(
      t,
      "SELECT COUNT(*) AS n FROM audit_log WHERE actor_type = 'staff' AND actor_id = ? AND action = 'checkout.credit'",
      [s.staffId],
    );
    expect(audits).toBe(2);
  } finally {
    await t.ctx.db.tx((q) =>
      t.ctx.settings.set(q, 'checkout.caps', { perStaffDailyPoints: 0, perMemberDailyPoints: 0 }, t.clock.now()),
    );
  }
});
