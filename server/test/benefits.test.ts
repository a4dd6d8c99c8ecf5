import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

let t: TestServer;
let op: { token: string };
let tillA: { token: string };
let tillB: { token: string };
beforeAll(async () => {
  // 1,000 requests race here to prove stock and points, not load shedding (its own tests cover the
  // 503 OVERLOADED answer): every unit of work waits for a connection however busy the machine is.
  t = await startTestServer({ env: { DB_QUEUE_LIMIT: '0', DB_ACQUIRE_TIMEOUT_MS: '0' } });
});
// Some tests move the clock by days: fresh staff tokens for each test.
beforeEach(async () => {
  op = await t.staffToken('operator');
  tillA = await t.staffToken('staff');
  tillB = await t.staffToken('staff');
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

let keySeq = 0;
const newKey = () => `bn-key-${++keySeq}-${Math.random().toString(36).slice(2, 8)}`;
const benefit = async (over: Record<string, unknown> = {}) => {
  const res = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: '咖啡券', costPoints: 50, stock: 100, validDays: 30, ...over },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const fund = (memberId: number, delta: number) =>
  t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { memberId: String(memberId), delta, reason: 'test funds', idempotencyKey: newKey() },
  });
const redeem = (token: string, benefitId: string, key = newKey()) =>
  t.http('POST', '/api/me/redemptions', { token, headers: { 'idempotency-key': key }, body: { benefitId } });

test('1,000 concurrent redemptions of 100 in stock issue exactly 100 vouchers; no balance below 0', async () => {
  const id = await benefit({ stock: 100, costPoints: 50 });
  const members = await Promise.all(Array.from({ length: 250 }, (_, i) => t.login(`bn-flash-${i}`)));
  await Promise.all(members.map((m) => fund(m.memberId, 120))); // enough for two each
  const all = await Promise.all(members.flatMap((m) => Array.from({ length: 4 }, () => redeem(m.token, id))));
  const ok = all.filter((r) => r.status === 200);
  expect(ok).toHaveLength(100);
  expect(new Set(ok.map((r) => r.body.voucher.code)).size).toBe(100);
  const codes = new Set(all.filter((r) => r.status !== 200).map((r) => r.body.code));
  expect([...codes].filter((c) => !['OUT_OF_STOCK', 'INSUFFICIENT_POINTS', 'RATE_LIMITED'].includes(c))).toEqual([]);
  expect(all.some((r) => r.status >= 500)).toBe(false);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM vouchers WHERE benefit_id = ?', [id])).toBe(100);
  expect(await count(t, 'SELECT stock_left AS n FROM benefits WHERE id = ?', [id])).toBe(0);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_accounts WHERE balance < 0')).toBe(0);
}, 120_000);

test('replay returns the first voucher; same key for another benefit is a conflict; bad input changes nothing', async () => {
  const id = await benefit();
  const other = await benefit({ title: '蛋糕券' });
  const m = await t.login('bn-replay');
  await fund(m.memberId, 100);
  const key = newKey();
  const first = await redeem(m.token, id, key);
  const again = await redeem(m.token, id, key);
  expect(again.body).toMatchObject({ replayed: true, voucher: { code: first.body.voucher.code }, balance: 50 });
  expect((await redeem(m.token, other, key)).body.code).toBe('IDEMPOTENCY_CONFLICT');
  const before = await count(t, 'SELECT COUNT(*) AS n FROM vouchers');
  expect((await t.http('POST', '/api/me/redemptions', { token: m.token, body: { benefitId: id } })).status).toBe(400); // no key
  expect((await redeem(m.token, 'abc')).status).toBe(400);
  expect((await redeem(m.token, '999999')).body.code).toBe('BENEFIT_NOT_FOUND');
  expect(
    (
      await t.http('POST', '/api/me/redemptions', {
        token: m.token,
        headers: { 'idempotency-key': newKey() },
        body: { benefitId: id, costPoints: 0 },
      })
    ).status,
  ).toBe(400);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM vouchers')).toBe(before);
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(50);
});

test('tier gating, per-member limit and visibility', async () => {
  const gold = await benefit({ minTier: 'gold' });
  const limited = await benefit({ perMemberLimit: 1 });
  const later = await benefit({ visibleFrom: new Date(t.clock.now().getTime() + 86_400_000).toISOString() });
  const m = await t.login('bn-gates');
  await fund(m.memberId, 1000);
  expect((await redeem(m.token, gold)).body.code).toBe('TIER_TOO_LOW');
  expect((await redeem(m.token, limited)).status).toBe(200);
  expect((await redeem(m.token, limited)).body.code).toBe('LIMIT_REACHED');
  expect((await redeem(m.token, later)).body.code).toBe('BENEFIT_NOT_AVAILABLE');
  const list = await t.http('GET', '/api/benefits', { token: m.token });
  const byId = new Map(list.body.items.map((b: { id: string }) => [b.id, b]));
  expect(byId.get(gold)).toMatchObject({ locked: true, minTier: { code: 'gold', name: '金卡' } });
  expect(byId.get(limited)).toMatchObject({ myRemaining: 0, locked: false });
  expect(byId.has(later)).toBe(false);
});

test('write-off: two tills at once succeed once; expired and cancelled vouchers are refused', async () => {
  const id = await benefit({ validDays: 1 });
  const m = await t.login('bn-tills');
  await fund(m.memberId, 200);
  const v = (await redeem(m.token, id)).body.voucher;
  const preview = await t.http('GET', `/api/staff/vouchers/preview?code=${v.code.toLowerCase()}`, {
    token: tillA.token,
  });
  expect(preview.body).toMatchObject({ redeemable: true, status: 'unused', title: '咖啡券' });
  const [a, b] = await Promise.all(
    [tillA, tillB].map((s) => t.http('POST', '/api/staff/vouchers/redeem', { token: s.token, body: { code: v.code } })),
  );
  expect([a.status, b.status].sort()).toEqual([200, 409]);
  expect([a.body.code, b.body.code]).toContain('VOUCHER_USED');
  expect((await t.http('POST', `/api/me/vouchers/${v.id}/cancel`, { token: m.token })).body.code).toBe('VOUCHER_USED');

  const v2 = (await redeem(m.token, id)).body.voucher;
  t.clock.advance(2 * 86_400_000);
  const tills = await t.staffToken('staff');
  expect(
    (await t.http('POST', '/api/staff/vouchers/redeem', { token: tills.token, body: { code: v2.code } })).body.code,
  ).toBe('VOUCHER_EXPIRED');
  const mine = await t.http('GET', '/api/me/vouchers?status=expired', { token: (await t.login('bn-tills')).token });
  expect(mine.body.items.map((x: { code: string }) => x.code)).toContain(v2.code);
  expect(
    (await t.http('POST', '/api/staff/vouchers/redeem', { token: tills.token, body: { code: 'ABCDEFGHJKMNPQRS' } }))
      .body.code,
  ).toBe('VOUCHER_NOT_FOUND');
  expect((await t.http('POST', '/api/staff/vouchers/redeem', { token: m.token, body: { code: v2.code } })).status).toBe(
    401,
  );
});

test('cancelling an unused voucher returns stock and points once, even when tapped five times', async () => {
  const id = await benefit({ stock: 3, costPoints: 40 });
  const m = await t.login('bn-cancel');
  await fund(m.memberId, 100);
  const v = (await redeem(m.token, id)).body.voucher;
  const all = await Promise.all(
    Array.from({ length: 5 }, () => t.http('POST', `/api/me/vouchers/${v.id}/cancel`, { token: m.token })),
  );
  expect(all.filter((r) => r.status === 200)).toHaveLength(1);
  expect(all.filter((r) => r.status === 409).every((r) => r.body.code === 'VOUCHER_CANCELLED')).toBe(true);
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(100);
  expect(await count(t, 'SELECT stock_left AS n FROM benefits WHERE id = ?', [id])).toBe(3);
  const other = await t.login('bn-cancel-other');
  expect((await t.http('POST', `/api/me/vouchers/${v.id}/cancel`, { token: other.token })).body.code).toBe(
    'VOUCHER_NOT_FOUND',
  );
});

test('operators manage the catalogue; every change is audited', async () => {
  const id = await benefit({ stock: 5 });
  expect(
    (await t.http('POST', `/api/admin/benefits/${id}/stock`, { token: op.token, body: { add: 10 } })).body,
  ).toMatchObject({ stockTotal: 15, stockLeft: 15 });
  expect(
    (await t.http('POST', `/api/admin/benefits/${id}/stock`, { token: op.token, body: { add: -10 } })).status,
  ).toBe(400);
  expect(
    (await t.http('PATCH', `/api/admin/benefits/${id}`, { token: op.token, body: { status: 'hidden' } })).body.status,
  ).toBe('hidden');
  expect(
    (
      await t.http('POST', '/api/admin/benefits', {
        token: op.token,
        body: { title: 'x', costPoints: -1, stock: 1, validDays: 1 },
      })
    ).status,
  ).toBe(400);
  expect(
    (
      await t.http('POST', '/api/admin/benefits', {
        token: op.token,
        body: { title: 'x', costPoints: 1, stock: 1, validDays: 1, minTier: 'diamond' },
      })
    ).status,
  ).toBe(400);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE target_type = 'benefit' AND target_id = ?", [id]),
  ).toBe(3);
});
