import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

let t: TestServer;
let op: { token: string };
beforeAll(async () => { t = await startTestServer(); });
beforeEach(async () => { op = await t.staffToken('operator'); });
afterAll(async () => { await t.close(); });
afterEach(async () => { expect(await checkInvariants(t.ctx.db)).toEqual([]); });

const at = (iso: string) => { (t.clock as unknown as { t: Date }).t = new Date(iso); };
const adjust = (memberId: number, delta: number, key: string, reason = 'test') =>
  t.http('POST', '/api/admin/points/adjustments', { token: op.token, body: { memberId: String(memberId), delta, reason, idempotencyKey: key } });
const credit = (memberId: number, points: number, key: string) =>
  t.ctx.ledger.credit({ key, memberId, points, type: 'credit', reason: 'test', ref: null });
const debit = (memberId: number, points: number, key: string) =>
  t.ctx.ledger.debit({ key, memberId, points, type: 'debit', reason: 'test', ref: null });

test('50 concurrent credits with distinct keys and 50 replays of one key: exact balance and entries', async () => {
  at('2026-11-24T04:00:00Z');
  const m = await t.login('lg-credits');
  const distinct = Array.from({ length: 50 }, (_, i) => adjust(m.memberId, 7, `lg-c-${i}-xxxx`));
  const replays = Array.from({ length: 50 }, () => adjust(m.memberId, 11, 'lg-same-key-0001'));
  const all = await Promise.all([...distinct, ...replays]);
  expect(all.every((r) => r.status === 200)).toBe(true);
  expect(all.slice(50).filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(new Set(all.slice(50).map((r) => r.body.entryId)).size).toBe(1);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(51);
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(50 * 7 + 11);
  expect(await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'points.adjust' AND target_id = ?", [String(m.memberId)])).toBe(51);
  const conflict = await adjust(m.memberId, 12, 'lg-same-key-0001');
  expect([conflict.status, conflict.body.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
});

test('20 concurrent debits that exceed the balance: never below zero, exact number of successes', async () => {
  const m = await t.login('lg-debits');
  await credit(m.memberId, 100, 'lg-d-fund');
  const all = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => debit(m.memberId, 15, `lg-d-${i}`)));
  const ok = all.filter((r) => r.status === 'fulfilled');
  expect(ok).toHaveLength(6); // 6 x 15 = 90 <= 100 < 105
  expect(all.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'INSUFFICIENT_POINTS')).toBe(true);
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(10);
});

test('debits spend the earliest-expiring lot first, across three lots', async () => {
  const m = await t.login('lg-fifo');
  at('2026-03-10T04:00:00Z'); await credit(m.memberId, 30, 'lg-f-1'); // expires end of Mar 2027
  at('2026-01-10T04:00:00Z'); await credit(m.memberId, 20, 'lg-f-2'); // end of Jan 2027: earliest
  at('2026-06-10T04:00:00Z'); await credit(m.memberId, 50, 'lg-f-3'); // end of Jun 2027
  await debit(m.memberId, 35, 'lg-f-spend');
  const lots = await t.ctx.db.read((q) => q.all<{ earned: number; remaining: number }>('SELECT earned, remaining FROM points_lots WHERE member_id = ? ORDER BY expires_at', [m.memberId]));
  expect(lots.map((l) => [Number(l.earned), Number(l.remaining)])).toEqual([[20, 0], [30, 15], [50, 50]]);
  const allocations = await count(t, 'SELECT COUNT(*) AS n FROM points_allocations WHERE member_id = ?', [m.memberId]);
  expect(allocations).toBe(2);
});

test('points expire at the end of the 12th month after they are earned (business time), exclusive instant', async () => {
  at('2026-01-15T04:00:00Z');
  const m = await t.login('lg-expiry');
  await credit(m.memberId, 40, 'lg-e-1');
  const lot = await t.ctx.db.read((q) => q.one<{ expires_at: number }>('SELECT expires_at FROM points_lots WHERE member_id = ?', [m.memberId]));
  expect(new Date(Number(lot!.expires_at)).toISOString()).toBe('2027-01-31T16:00:00.000Z'); // 2027-02-01 00:00 in Shanghai
  at('2027-01-31T15:59:59Z');
  const token = (await t.login('lg-expiry')).token;
  expect((await t.http('GET', '/api/me/points', { token })).body).toMatchObject({ balance: 40, expiringSoon: { total: 40 } });
  await debit(m.memberId, 1, 'lg-e-before');
  at('2027-01-31T16:00:00Z');
  const token2 = (await t.login('lg-expiry')).token;
  expect((await t.http('GET', '/api/me/points', { token: token2 })).body.balance).toBe(0);
  await expect(debit(m.memberId, 1, 'lg-e-after')).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
  // The refused debit rolled its lazy expiry back with it; the expiry job writes it for good.
  expect(await t.ctx.db.tx((q) => t.ctx.ledger.expireDueLotsIn(q, m.memberId, t.clock.now()))).toBe(39);
  expect(await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND type = 'expire'", [m.memberId])).toBe(1);
});

test('bad amounts are refused and write nothing', async () => {
  const m = await t.login('lg-bad');
  const before = await count(t, 'SELECT COUNT(*) AS n FROM points_entries');
  for (const delta of [0, 1.5, 2_147_483_648, -2_147_483_648, '10', null]) {
    const r = await t.http('POST', '/api/admin/points/adjustments', { token: op.token, body: { memberId: String(m.memberId), delta, reason: 'bad', idempotencyKey: `lg-bad-${String(delta)}-x` } });
    expect([delta, r.status]).toEqual([delta, 400]);
  }
  expect((await adjust(999_999, 5, 'lg-bad-nomember')).body.code).toBe('MEMBER_NOT_FOUND');
  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31]) await expect(credit(m.memberId, bad, `lg-bad-${bad}`)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries')).toBe(before);
});

test('points history pages without gaps or repeats; bad cursors are refused', async () => {
  const m = await t.login('lg-pages');
  for (let i = 0; i < 25; i++) await credit(m.memberId, i + 1, `lg-p-${i}`);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http('GET', `/api/me/points/entries?limit=7${cursor ? `&cursor=${cursor}` : ''}`, { token: m.token });
    seen.push(...r.body.items.map((x) => x.id));
    cursor = r.body.nextCursor;
  } while (cursor);
  expect(seen).toHaveLength(25);
  expect(new Set(seen).size).toBe(25);
  expect((await t.http('GET', '/api/me/points/entries?cursor=@@@', { token: m.token })).status).toBe(400);
  expect((await t.http('GET', '/api/me/points/entries?limit=1000', { token: m.token })).status).toBe(400);
});
