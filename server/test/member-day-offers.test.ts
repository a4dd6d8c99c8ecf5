import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

let t: TestServer;
let op: string;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const at = async (iso: string) => {
  (t.clock as unknown as { t: Date }).t = new Date(iso);
  op = (await t.staffToken('operator')).token;
};
const benefit = async (stock: number, extra: Record<string, unknown> = {}) => {
  const res = await t.http('POST', '/api/admin/benefits', {
    token: op,
    body: { title: '会员日券', costPoints: 0, stock, validDays: 30, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const vouchersOf = (memberId: number, benefitId: string) =>
  count(t, "SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ? AND benefit_id = ? AND status <> 'cancelled'", [
    memberId,
    Number(benefitId),
  ]);

test('member-day offers: hidden on other days, refused with MEMBER_DAY_ONLY, shown and redeemable on the day', async () => {
  // 2027-06-16 is a Wednesday (3) in Shanghai.
  await at('2027-06-15T04:00:00Z');
  const put = await t.http('PUT', '/api/admin/settings', {
    token: op,
    body: { key: 'checkout.memberDays', value: { weekdays: [3], monthDays: [], multiplierPercent: 200 } },
  });
  expect(put.status).toBe(200);
  const b = await benefit(5, { memberDayOnly: true });
  const m = await t.login('gift-memberday');
  const listed = async () =>
    ((await t.http('GET', '/api/benefits', { token: m.token })).body.items as { id: string }[]).some((x) => x.id === b);
  expect(await listed()).toBe(false);
  const refused = await t.http('POST', '/api/me/redemptions', {
    token: m.token,
    headers: { 'idempotency-key': 'memberday-1a' },
    body: { benefitId: b },
  });
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('MEMBER_DAY_ONLY');
  expect(await vouchersOf(m.memberId, b)).toBe(0);
  await at('2027-06-16T04:00:00Z');
  expect(await listed()).toBe(true);
  const ok = await t.http('POST', '/api/me/redemptions', {
    token: m.token,
    headers: { 'idempotency-key': 'memberday-1b' },
    body: { benefitId: b },
  });
  expect(ok.status).toBe(200);
  expect(
    (await t.http('GET', '/api/admin/benefits', { token: op })).body.items.find((x: { id: string }) => x.id === b),
  ).toMatchObject({ memberDayOnly: true });
});
