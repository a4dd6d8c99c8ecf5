import { startTestServer, type TestServer } from './harness';
import { checkout, nextOrderNo } from './checkout-helpers';

/** Clock at 2026-11-24 12:00 Asia/Shanghai (04:00Z): the business day runs from 2026-11-23T16:00Z. */
let t: TestServer;
let clerk: { token: string };
let other: { token: string };
let op: { token: string };
let otherStore: number;
beforeAll(async () => {
  t = await startTestServer();
  clerk = await t.staffToken('staff');
  op = await t.staffToken('operator');
  otherStore = await t.ctx.db.tx((q) => t.ctx.staff.createStore(q, { code: 'SHIFT-B', name: 'B' }, t.clock.now()));
  other = await t.staffToken('staff', otherStore);
});
afterAll(async () => {
  await t.close();
});

const summary = (token: string, query = '') => t.http('GET', `/api/staff/shift-summary${query}`, { token });
let keySeq = 0;
const refund = (token: string, orderNo: string, amountCents: number) =>
  t.http('POST', '/api/staff/refunds', {
    token,
    headers: { 'idempotency-key': `shift-refund-${++keySeq}` },
    body: { orderNo, amountCents },
  });

async function writeOff(token: string, memberToken: string, benefitId: string) {
  const v = await t.http('POST', '/api/me/redemptions', {
    token: memberToken,
    headers: { 'idempotency-key': `shift-redeem-${++keySeq}` },
    body: { benefitId },
  });
  expect(v.status).toBe(200);
  const w = await t.http('POST', '/api/staff/vouchers/redeem', { token, body: { code: v.body.voucher.code } });
  expect(w.status).toBe(200);
}

test("the summary counts this store's credits, refunds (with claw-back) and write-offs of the business day", async () => {
  const empty = await summary(clerk.token);
  expect(empty.status).toBe(200);
  expect(empty.body).toMatchObject({
    from: '2026-11-23T16:00:00.000Z',
    to: '2026-11-24T16:00:00.000Z',
    credits: { count: 0, points: 0, amountCents: 0 },
    refunds: { count: 0, amountCents: 0, pointsClawedBack: 0 },
    writeOffs: { count: 0 },
    totals: { netAmountCents: 0, netPoints: 0 },
  });

  const m = await t.login('shift-member');
  const a = nextOrderNo();
  const b = nextOrderNo();
  const c1 = await checkout(t, clerk.token, m.memberId, 12_000, a);
  const c2 = await checkout(t, clerk.token, m.memberId, 5_050, b);
  expect([c1.status, c2.status]).toEqual([200, 200]);
  const r1 = await refund(clerk.token, a, 3_000);
  const r2 = await refund(clerk.token, b, 5_050);
  expect([r1.status, r2.status]).toEqual([200, 200]);
  const benefit = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: '饮品券', costPoints: 0, stock: 5, validDays: 30 },
  });
  await writeOff(clerk.token, m.token, benefit.body.id);
  await writeOff(clerk.token, m.token, benefit.body.id);
  // Another store's till: none of it is this store's.
  const o = await checkout(t, other.token, m.memberId, 9_900);
  await refund(other.token, o.body.orderNo, 900);
  await writeOff(other.token, m.token, benefit.body.id);

  const s = await summary(clerk.token);
  const points = c1.body.points + c2.body.points;
  const clawed = r1.body.pointsReversed + r2.body.pointsReversed;
  expect(clawed).toBeGreaterThan(0);
  expect(s.body).toMatchObject({
    credits: { count: 2, points, amountCents: 17_050 },
    refunds: { count: 2, amountCents: 8_050, pointsClawedBack: clawed },
    writeOffs: { count: 2 },
    totals: { netAmountCents: 9_000, netPoints: points - clawed },
  });
  const theirs = await summary(other.token);
  expect(theirs.body).toMatchObject({
    credits: { count: 1, amountCents: 9_900 },
    refunds: { count: 1, amountCents: 900 },
    writeOffs: { count: 1 },
  });

  // A period given explicitly: the day before holds nothing.
  const yesterday = await summary(clerk.token, '?from=2026-11-22T16:00:00Z&to=2026-11-23T16:00:00Z');
  expect(yesterday.body.credits.count).toBe(0);
});

test("another store's summary is refused to a clerk; operators name the store; bad periods are 400", async () => {
  const refused = await summary(clerk.token, `?storeId=${otherStore}`);
  expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
  expect((await summary(other.token, `?storeId=${otherStore}`)).status).toBe(200);
  const noStore = await summary(op.token);
  expect([noStore.status, noStore.body.code]).toEqual([403, 'STORE_REQUIRED']);
  expect((await summary(op.token, `?storeId=${otherStore}`)).status).toBe(200);
  for (const q of [
    '?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z',
    '?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
    '?from=yesterday',
    '?storeId=abc',
    '?extra=1',
  ]) {
    const r = await summary(clerk.token, q);
    expect([q, r.status, r.body.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
  }
  expect((await t.http('GET', '/api/staff/shift-summary')).status).toBe(401);
});

test('the default period moves on with the business day', async () => {
  t.clock.advance(24 * 3600_000);
  const fresh = await t.staffToken('staff'); // the clerk's token of yesterday has expired
  const next = await summary(fresh.token);
  expect([next.body.from, next.body.to, next.body.credits.count]).toEqual([
    '2026-11-24T16:00:00.000Z',
    '2026-11-25T16:00:00.000Z',
    0,
  ]);
});
