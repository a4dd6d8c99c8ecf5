import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { ManualClock } from '../src/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';

// Tuesday 2026-11-24, 12:00 in Shanghai; the week started Monday the 23rd.
const clock = new ManualClock(new Date('2026-11-24T04:00:00Z'));
let t: TestServer;
beforeAll(async () => { t = await startTestServer({ clock }); });
afterAll(async () => { await t.close(); });
afterEach(async () => { expect(await checkInvariants(t.ctx.db)).toEqual([]); });

const at = (iso: string) => (clock as unknown as { t: Date }).t = new Date(iso);
const checkin = (token: string) => t.http('POST', '/api/me/checkin', { token });
const makeup = (token: string, body: unknown) => t.http('POST', '/api/me/checkin/makeup', { token, body });

test('20 taps at once check in once and credit once', async () => {
  at('2026-11-24T04:00:00Z');
  const m = await t.login('ci-double');
  const all = await Promise.all(Array.from({ length: 20 }, () => checkin(m.token)));
  expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(new Set(all.map((r) => r.body.points))).toEqual(new Set([10]));
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(1);
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(10);
});

test('the business day turns at 00:00:00 Shanghai time, not UTC', async () => {
  at('2026-11-24T15:59:59Z'); // 23:59:59 on the 24th in Shanghai
  const m = await t.login('ci-midnight');
  const late = await checkin(m.token);
  expect(late.body).toMatchObject({ date: '2026-11-24', streak: 1 });
  expect((await checkin(m.token)).body.replayed).toBe(true);
  at('2026-11-24T16:00:00Z'); // 00:00:00 on the 25th
  const m2 = await t.login('ci-midnight');
  const next = await checkin(m2.token);
  expect(next.body).toMatchObject({ date: '2026-11-25', streak: 2, replayed: false });
});

test('streak bonus on day 3, reset at the start of the next week', async () => {
  const m = await t.login('ci-streak');
  const days = ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30'];
  const points: number[] = [];
  for (const d of days) {
    at(`${d}T02:00:00Z`);
    const token = (await t.login('ci-streak')).token;
    points.push((await checkin(token)).body.points);
  }
  // Wed..Sun is a 5-day streak in week 48 (bonus on its 3rd day); Monday the 30th starts week 49 at 1.
  expect(points).toEqual([10, 10, 30, 10, 10, 10]);
  const view = await t.http('GET', '/api/me/checkin?month=2026-11', { token: (await t.login('ci-streak')).token });
  expect(view.body).toMatchObject({ today: '2026-11-30', checkedInToday: true, streak: 1, nextBonus: { day: 3, bonus: 20, inDays: 2 } });
  expect(view.body.days).toHaveLength(30);
  expect(view.body.days.filter((d: { checked: boolean }) => d.checked).map((d: { date: string }) => d.date)).toEqual(days);
  expect(m.memberId).toBeGreaterThan(0);
});

test('make-up: a missed past day of this cycle, paid with points, at most twice a cycle', async () => {
  at('2026-11-26T04:00:00Z'); // Thursday
  const m = await t.login('ci-makeup');
  expect((await makeup(m.token, { date: '2026-11-24' })).body.code).toBe('INSUFFICIENT_POINTS');
  expect(await count(t, 'SELECT COUNT(*) AS n FROM checkins WHERE member_id = ?', [m.memberId])).toBe(0);
  const op = await t.staffToken('operator');
  await t.http('POST', '/api/admin/points/adjustments', { token: op.token, body: { memberId: String(m.memberId), delta: 100, reason: 'test', idempotencyKey: 'ci-makeup-fund' } });
  await checkin(m.token); // today, 10
  const refusals: [unknown, string, number][] = [
    [{ date: '2026-11-26' }, 'MAKEUP_NOT_ALLOWED', 409],
    [{ date: '2026-11-27' }, 'MAKEUP_NOT_ALLOWED', 409],
    [{ date: '2026-11-22' }, 'MAKEUP_NOT_ALLOWED', 409], // last week
    [{ date: '2026-02-30' }, 'VALIDATION_FAILED', 400],
    [{ date: '2026-11-24', payWith: 'cash' }, 'VALIDATION_FAILED', 400],
    [{ date: '2026-11-24', points: 0 }, 'VALIDATION_FAILED', 400],
    [{ date: '2026-11-24', payWith: 'card' }, 'MAKEUP_NOT_ALLOWED', 409], // no card
  ];
  for (const [body, code, status] of refusals) {
    const r = await makeup(m.token, body);
    expect([body, r.status, r.body.code]).toEqual([body, status, code]);
  }
  const first = await makeup(m.token, { date: '2026-11-24' });
  expect(first.body).toMatchObject({ date: '2026-11-24', points: 10, paidPoints: 20, balance: 100 + 10 - 20 + 10 });
  expect((await makeup(m.token, { date: '2026-11-24' })).body.code).toBe('ALREADY_CHECKED_IN');
  const second = await makeup(m.token, { date: '2026-11-25' });
  expect(second.body.streak).toBe(3); // 24, 25 made up + 26 checked
  const third = await makeup(m.token, { date: '2026-11-23' });
  expect(third.body).toMatchObject({ code: 'MAKEUP_NOT_ALLOWED', details: { reason: 'limit_reached' } });
  const view = await t.http('GET', '/api/me/checkin', { token: m.token });
  expect(view.body.makeup).toEqual({ costPoints: 20, remainingInCycle: 0, cards: 0 });
  expect(view.body.days.find((d: { date: string }) => d.date === '2026-11-24')).toMatchObject({ checked: true, kind: 'makeup' });
});

test('concurrent make-ups of different days respect the cycle allowance', async () => {
  at('2026-11-29T04:00:00Z'); // Sunday: six past days in the week
  const m = await t.login('ci-makeup-race');
  const op = await t.staffToken('operator');
  await t.http('POST', '/api/admin/points/adjustments', { token: op.token, body: { memberId: String(m.memberId), delta: 500, reason: 'test', idempotencyKey: 'ci-makeup-race' } });
  const days = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'];
  const all = await Promise.all(days.map((date) => makeup(m.token, { date })));
  expect(all.filter((r) => r.status === 200)).toHaveLength(2);
  expect(await count(t, "SELECT COUNT(*) AS n FROM checkins WHERE member_id = ? AND kind = 'makeup'", [m.memberId])).toBe(2);
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(500 - 2 * 20 + 2 * 10);
});
