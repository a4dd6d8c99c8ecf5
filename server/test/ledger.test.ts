import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { invariant1Violations, scalar } from './ledger-invariants';

let t: TestServer;
let op: { token: string };
beforeAll(async () => {
  t = await startTestServer();
});
beforeEach(async () => {
  op = await t.staffToken('operator');
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  // Invariant 1 from the tables themselves: balance = SUM(delta) = SUM(unexpired lots' remaining), never < 0.
  expect(await invariant1Violations(t)).toEqual([]);
});

const at = (iso: string) => {
  (t.clock as unknown as { t: Date }).t = new Date(iso);
};
const adjust = (memberId: number, delta: number, key: string, reason = 'test') =>
  t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { memberId: String(memberId), delta, reason, idempotencyKey: key },
  });
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
  expect(new Set(all.slice(50).map((r) => r.body.balanceAfter)).size).toBe(1); // every replay answers the first result
  expect(new Set(all.slice(0, 50).map((r) => r.body.entryId)).size).toBe(50);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(51);
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(50 * 7 + 11);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'points.adjust' AND target_id = ?", [
      String(m.memberId),
    ]),
  ).toBe(51);
  const conflict = await adjust(m.memberId, 12, 'lg-same-key-0001');
  expect([conflict.status, conflict.body.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
});

test('20 concurrent debits that exceed the balance: never below zero, exact number of successes', async () => {
  const m = await t.login('lg-debits');
  await credit(m.memberId, 100, 'lg-d-fund');
  const all = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => debit(m.memberId, 15, `lg-d-${i}`)));
  const ok = all.filter((r) => r.status === 'fulfilled');
  expect(ok).toHaveLength(6); // 6 x 15 = 90 <= 100 < 105
  expect(
    all
      .filter((r) => r.status === 'rejected')
      .every((r) => (r as PromiseRejectedResult).reason.code === 'INSUFFICIENT_POINTS'),
  ).toBe(true);
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(10);
});

test('debits spend the earliest-expiring lot first, across three lots', async () => {
  const m = await t.login('lg-fifo');
  at('2026-03-10T04:00:00Z');
  await credit(m.memberId, 30, 'lg-f-1'); // expires end of Mar 2027
  at('2026-01-10T04:00:00Z');
  await credit(m.memberId, 20, 'lg-f-2'); // end of Jan 2027: earliest
  at('2026-06-10T04:00:00Z');
  await credit(m.memberId, 50, 'lg-f-3'); // end of Jun 2027
  await debit(m.memberId, 35, 'lg-f-spend');
  const lots = await t.ctx.db.read((q) =>
    q.all<{ earned: number; remaining: number }>(
      'SELECT earned, remaining FROM points_lots WHERE member_id = ? ORDER BY expires_at',
      [m.memberId],
    ),
  );
  expect(lots.map((l) => [Number(l.earned), Number(l.remaining)])).toEqual([
    [20, 0],
    [30, 15],
    [50, 50],
  ]);
  const allocations = await count(t, 'SELECT COUNT(*) AS n FROM points_allocations WHERE member_id = ?', [m.memberId]);
  expect(allocations).toBe(2);
});

test('points expire at the end of the 12th month after they are earned (business time), exclusive instant', async () => {
  at('2026-01-15T04:00:00Z');
  const m = await t.login('lg-expiry');
  await credit(m.memberId, 40, 'lg-e-1');
  const lot = await t.ctx.db.read((q) =>
    q.one<{ expires_at: number }>('SELECT expires_at FROM points_lots WHERE member_id = ?', [m.memberId]),
  );
  expect(new Date(Number(lot!.expires_at)).toISOString()).toBe('2027-01-31T16:00:00.000Z'); // 2027-02-01 00:00 in Shanghai
  at('2027-01-31T15:59:59Z');
  const token = (await t.login('lg-expiry')).token;
  expect((await t.http('GET', '/api/me/points', { token })).body).toMatchObject({
    balance: 40,
    expiringSoon: { total: 40 },
  });
  await debit(m.memberId, 1, 'lg-e-before');
  at('2027-01-31T16:00:00Z');
  const token2 = (await t.login('lg-expiry')).token;
  expect((await t.http('GET', '/api/me/points', { token: token2 })).body.balance).toBe(0);
  await expect(debit(m.memberId, 1, 'lg-e-after')).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
  // The refused debit rolled its lazy expiry back with it; the expiry job writes it for good.
  expect(await t.ctx.db.tx((q) => t.ctx.ledger.expireDueLotsIn(q, m.memberId, t.clock.now()))).toBe(39);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND type = 'expire'", [m.memberId]),
  ).toBe(1);
});

test('bad amounts are refused and write nothing', async () => {
  const m = await t.login('lg-bad');
  const before = await count(t, 'SELECT COUNT(*) AS n FROM points_entries');
  for (const delta of [0, 1.5, 2_147_483_648, -2_147_483_648, '10', null]) {
    const r = await t.http('POST', '/api/admin/points/adjustments', {
      token: op.token,
      body: { memberId: String(m.memberId), delta, reason: 'bad', idempotencyKey: `lg-bad-${String(delta)}-x` },
    });
    expect([delta, r.status]).toEqual([delta, 400]);
  }
  expect((await adjust(999_999, 5, 'lg-bad-nomember')).body.code).toBe('MEMBER_NOT_FOUND');
  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31])
    await expect(credit(m.memberId, bad, `lg-bad-${bad}`)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries')).toBe(before);
});

test('points history pages without gaps or repeats; bad cursors are refused', async () => {
  const m = await t.login('lg-pages');
  for (let i = 0; i < 25; i++) await credit(m.memberId, i + 1, `lg-p-${i}`);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http(
      'GET',
      `/api/me/points/entries?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      { token: m.token },
    );
    seen.push(...r.body.items.map((x) => x.id));
    cursor = r.body.nextCursor;
  } while (cursor);
  expect(seen).toHaveLength(25);
  expect(new Set(seen).size).toBe(25);
  expect((await t.http('GET', '/api/me/points/entries?cursor=@@@', { token: m.token })).status).toBe(400);
  expect((await t.http('GET', '/api/me/points/entries?limit=1000', { token: m.token })).status).toBe(400);
});

test('20 concurrent debits over HTTP that exceed the balance: exact successes, each on its own balance, the rest 409', async () => {
  const m = await t.login('lg-http-debits');
  expect((await adjust(m.memberId, 100, 'lg-hd-fund')).status).toBe(200);
  const all = await Promise.all(
    Array.from({ length: 20 }, (_, i) => adjust(m.memberId, -15, `lg-hd-${String(i).padStart(2, '0')}`)),
  );
  const ok = all.filter((r) => r.status === 200);
  expect(ok.map((r) => r.body.balanceAfter).sort((a, b) => b - a)).toEqual([85, 70, 55, 40, 25, 10]);
  expect(all.filter((r) => r.status !== 200).map((r) => [r.status, r.body.code])).toEqual(
    Array(14).fill([409, 'INSUFFICIENT_POINTS']),
  );
  expect(
    await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND balance_after < 0', [m.memberId]),
  ).toBe(0);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'points.adjust' AND target_id = ?", [
      String(m.memberId),
    ]),
  ).toBe(7);
  const left = await t.http('GET', '/api/me/points', { token: (await t.login('lg-http-debits')).token });
  expect(left.body.balance).toBe(10);
});

test('a replay returns the first result even after the balance moved on (credit and debit)', async () => {
  const m = await t.login('lg-replay');
  const c1 = await credit(m.memberId, 30, 'lg-r-credit');
  const d1 = await debit(m.memberId, 30, 'lg-r-debit'); // balance 0 now
  await credit(m.memberId, 5, 'lg-r-later');
  expect(await credit(m.memberId, 30, 'lg-r-credit')).toEqual({ ...c1, replayed: true });
  // Not INSUFFICIENT_POINTS (5 < 30): the key was already applied, so the first answer stands.
  expect(await debit(m.memberId, 30, 'lg-r-debit')).toEqual({ ...d1, replayed: true });
  expect([c1.balanceAfter, d1.balanceAfter]).toEqual([30, 0]);
  const h1 = await adjust(m.memberId, 9, 'lg-r-http-01');
  await credit(m.memberId, 1, 'lg-r-later-2');
  const h2 = await adjust(m.memberId, 9, 'lg-r-http-01', 'a different note is not a different input');
  expect(h2.body).toEqual({ ...h1.body, replayed: true });
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(15);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(5);
});

test('the same key with different input is refused with 409 and writes nothing', async () => {
  const a = await t.login('lg-conflict-a');
  const b = await t.login('lg-conflict-b');
  await credit(a.memberId, 20, 'lg-x-1');
  const entries = () => scalar(t, 'SELECT COUNT(*) AS n FROM points_entries');
  const before = await entries();
  await expect(credit(a.memberId, 21, 'lg-x-1')).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' }); // other amount
  await expect(credit(b.memberId, 20, 'lg-x-1')).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' }); // other member
  await expect(debit(a.memberId, 20, 'lg-x-1')).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' }); // other direction
  await expect(
    t.ctx.ledger.credit({
      key: 'lg-x-1',
      memberId: a.memberId,
      points: 20,
      type: 'credit',
      reason: 'other_reason',
      ref: null,
    }),
  ).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  await expect(
    t.ctx.ledger.credit({
      key: 'lg-x-1',
      memberId: a.memberId,
      points: 20,
      type: 'credit',
      reason: 'test',
      ref: 'order:1',
    }),
  ).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  expect((await adjust(a.memberId, 7, 'lg-x-http-1')).status).toBe(200);
  for (const [memberId, delta] of [
    [a.memberId, -7],
    [b.memberId, 7],
    [a.memberId, 8],
  ]) {
    const r = await adjust(memberId, delta, 'lg-x-http-1');
    expect([memberId, delta, r.status, r.body.code]).toEqual([memberId, delta, 409, 'IDEMPOTENCY_CONFLICT']);
  }
  expect(await entries()).toBe(before + 1);
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [b.memberId])).toBe(0);
});

test('10 concurrent requests on one key with different amounts: one applies, nine conflict', async () => {
  const m = await t.login('lg-race');
  const all = await Promise.all(Array.from({ length: 10 }, (_, i) => adjust(m.memberId, i + 1, 'lg-race-key-1')));
  const ok = all.filter((r) => r.status === 200);
  expect(ok).toHaveLength(1);
  expect(all.filter((r) => r.status === 409 && r.body.code === 'IDEMPOTENCY_CONFLICT')).toHaveLength(9);
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(
    ok[0].body.delta,
  );
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(1);
});

test('expiry follows the business-time month: earned on the 1st in Shanghai (still the 31st in UTC)', async () => {
  at('2026-01-31T16:30:00Z'); // 2026-02-01 00:30 in Shanghai: a February earning
  const m = await t.login('lg-tz');
  await credit(m.memberId, 25, 'lg-tz-feb');
  at('2026-01-31T15:59:59Z'); // 2026-01-31 23:59:59 in Shanghai: a January earning
  await credit(m.memberId, 4, 'lg-tz-jan');
  const lots = await t.ctx.db.read((q) =>
    q.all<{ earned: number; expires_at: number }>(
      'SELECT earned, expires_at FROM points_lots WHERE member_id = ? ORDER BY expires_at',
      [m.memberId],
    ),
  );
  expect(lots.map((l) => [Number(l.earned), new Date(Number(l.expires_at)).toISOString()])).toEqual([
    [4, '2027-01-31T16:00:00.000Z'],
    [25, '2027-02-28T16:00:00.000Z'],
  ]);
  const points = async () => (await t.http('GET', '/api/me/points', { token: (await t.login('lg-tz')).token })).body;
  at('2027-01-31T15:59:59.999Z');
  expect(await points()).toMatchObject({ balance: 29, expiringSoon: { total: 29 } });
  at('2027-01-31T16:00:00.000Z');
  expect(await points()).toMatchObject({
    balance: 25,
    expiringSoon: { total: 25, lots: [{ points: 25, expiresAt: '2027-02-28T16:00:00.000Z' }] },
  });
  await expect(debit(m.memberId, 26, 'lg-tz-too-much')).rejects.toMatchObject({
    code: 'INSUFFICIENT_POINTS',
    details: { balance: 25 },
  });
  at('2027-02-28T15:59:59.999Z');
  expect((await debit(m.memberId, 5, 'lg-tz-last-ms')).balanceAfter).toBe(20); // the lazy sweep took the 4 first
  at('2027-02-28T16:00:00.000Z');
  expect((await points()).balance).toBe(0);
  await expect(debit(m.memberId, 1, 'lg-tz-gone')).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
  expect(await t.ctx.db.tx((q) => t.ctx.ledger.expireDueLotsIn(q, m.memberId, t.clock.now()))).toBe(20);
  const expired = await t.ctx.db.read((q) =>
    q.all<{ delta: number }>("SELECT delta FROM points_entries WHERE member_id = ? AND type = 'expire' ORDER BY id", [
      m.memberId,
    ]),
  );
  expect(expired.map((e) => Number(e.delta))).toEqual([-4, -20]);
});
