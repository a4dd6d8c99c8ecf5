import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { DEFAULT_CHECKIN_RULES } from '@huiyuan/shared';

// Make-up check-in (补签): a missed past day of the current cycle, paid with points or a card.
const clock = new ManualClock(new Date('2026-11-23T04:00:00Z'));
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ clock });
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  await setRules({});
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const noon = (date: string) => clock.set(`${date}T04:00:00Z`);
const setRules = (patch: Partial<typeof DEFAULT_CHECKIN_RULES>) =>
  t.ctx.db.tx(async (q) => {
    await t.ctx.settings.set(q, 'checkin.rules', { ...DEFAULT_CHECKIN_RULES, ...patch }, clock.now());
  });
const checkin = (token: string) => t.http('POST', '/api/me/checkin', { token });
const makeup = (token: string, body: unknown) => t.http('POST', '/api/me/checkin/makeup', { token, body });
// Staff tokens are short-lived and the clock jumps days: a fresh operator login per call.
const operator = async () => (await t.staffToken('operator')).token;
const fund = async (memberId: number, delta: number, key: string) =>
  t.http('POST', '/api/admin/points/adjustments', {
    token: await operator(),
    body: { memberId: String(memberId), delta, reason: 'test funds', idempotencyKey: key },
  });
const grant = async (memberId: number, body: unknown) =>
  t.http('POST', `/api/admin/members/${memberId}/makeup-cards`, { token: await operator(), body });

/** Everything a make-up could write, to prove a refusal wrote nothing. */
const footprint = async (memberId: number) =>
  Promise.all([
    count(t, 'SELECT COUNT(*) AS n FROM checkins WHERE member_id = ?', [memberId]),
    count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [memberId]),
    count(t, 'SELECT COUNT(*) AS n FROM points_lots WHERE member_id = ?', [memberId]),
    count(
      t,
      "SELECT COALESCE(SUM(amount), 0) AS n FROM daily_counters WHERE scope = 'checkin_makeup' AND subject_id = ?",
      [memberId],
    ),
    count(t, 'SELECT COUNT(*) AS n FROM makeup_card_entries WHERE member_id = ?', [memberId]),
    count(t, 'SELECT COALESCE(SUM(balance), 0) AS n FROM points_accounts WHERE member_id = ?', [memberId]),
  ]);

test('limits: not today, not the future, not outside the cycle, not before joining, at most twice a cycle; short of points writes nothing', async () => {
  noon('2026-11-23'); // Monday: the member joins
  await t.login('mk-limits');
  noon('2026-11-26'); // Thursday
  const m = await t.login('mk-limits');
  const empty = await footprint(m.memberId);
  const short = await makeup(m.token, { date: '2026-11-24' });
  expect([short.status, short.body.code]).toEqual([409, 'INSUFFICIENT_POINTS']);
  expect(await footprint(m.memberId)).toEqual(empty);

  await fund(m.memberId, 100, 'mk-limits-fund');
  await checkin(m.token); // today: +10
  const before = await footprint(m.memberId);
  const refusals: [unknown, number, string, string?][] = [
    [{ date: '2026-11-26' }, 409, 'MAKEUP_NOT_ALLOWED', 'today_or_future'],
    [{ date: '2026-11-27' }, 409, 'MAKEUP_NOT_ALLOWED', 'today_or_future'],
    [{ date: '2027-01-01', payWith: 'card' }, 409, 'MAKEUP_NOT_ALLOWED', 'today_or_future'],
    [{ date: '2026-11-22' }, 409, 'MAKEUP_NOT_ALLOWED', 'outside_cycle'], // last week
    [{ date: '2026-11-24', payWith: 'card' }, 409, 'MAKEUP_NOT_ALLOWED', 'no_card'],
    [{ date: '2026-02-30' }, 400, 'VALIDATION_FAILED'],
    [{ date: '2026/11/24' }, 400, 'VALIDATION_FAILED'],
    [{}, 400, 'VALIDATION_FAILED'],
    [{ date: '2026-11-24', payWith: 'cash' }, 400, 'VALIDATION_FAILED'],
    [{ date: '2026-11-24', points: 0 }, 400, 'VALIDATION_FAILED'],
    [{ date: 20261124 }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [body, status, code, reason] of refusals) {
    const r = await makeup(m.token, body);
    expect([body, r.status, r.body.code, r.body.details?.reason]).toEqual([body, status, code, reason]);
  }
  expect(await footprint(m.memberId)).toEqual(before);

  const first = await makeup(m.token, { date: '2026-11-24' });
  expect(first.body).toEqual({
    date: '2026-11-24',
    points: 10,
    paidPoints: 20,
    paidCards: 0,
    balance: 100 + 10 - 20 + 10,
    streak: 1,
    replayed: false,
  });
  // The date is the key: a retry answers with the first result and pays nothing more.
  const again = await makeup(m.token, { date: '2026-11-24' });
  expect(again.body).toEqual({ ...first.body, replayed: true });
  expect((await makeup(m.token, { date: '2026-11-26' })).body.code).toBe('MAKEUP_NOT_ALLOWED');
  const second = await makeup(m.token, { date: '2026-11-25' });
  expect(second.body).toMatchObject({ streak: 3, balance: 90 }); // 24, 25 made up + 26 checked
  const third = await makeup(m.token, { date: '2026-11-23' });
  expect([third.status, third.body.code, third.body.details.reason]).toEqual([
    409,
    'MAKEUP_NOT_ALLOWED',
    'limit_reached',
  ]);
  const view = (await t.http('GET', '/api/me/checkin', { token: m.token })).body;
  expect(view).toMatchObject({ streak: 3, makeup: { costPoints: 20, remainingInCycle: 0, cards: 0 } });
  expect(view.days.find((d: { date: string }) => d.date === '2026-11-24')).toMatchObject({
    checked: true,
    kind: 'makeup',
    points: 10,
  });
  expect(view.days.find((d: { date: string }) => d.date === '2026-11-23')).toMatchObject({
    checked: false,
    canMakeUp: false,
  });
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(90);
});

test('a day before the member joined cannot be made up', async () => {
  noon('2026-11-25'); // joins on Wednesday
  const m = await t.login('mk-new');
  await fund(m.memberId, 100, 'mk-new-fund');
  noon('2026-11-27');
  const before = await footprint(m.memberId);
  const r = await makeup(m.token, { date: '2026-11-24' });
  expect([r.status, r.body.details?.reason]).toEqual([409, 'before_joining']);
  expect(await footprint(m.memberId)).toEqual(before);
  const view = (await t.http('GET', '/api/me/checkin', { token: m.token })).body;
  const can = view.days.filter((d: { canMakeUp: boolean }) => d.canMakeUp).map((d: { date: string }) => d.date);
  expect(can).toEqual(['2026-11-25', '2026-11-26']);
  expect((await makeup(m.token, { date: '2026-11-25' })).status).toBe(200);
});

test('make-up cards: granted by operators (idempotent, audited), spent one per day, and the made-up day joins the streak', async () => {
  noon('2026-11-30'); // Monday
  const m = await t.login('mk-card');
  await checkin(m.token);
  noon('2026-12-01');
  await checkin((await t.login('mk-card')).token);
  noon('2026-12-03'); // Wednesday the 2nd missed
  const token = (await t.login('mk-card')).token;
  expect((await checkin(token)).body).toMatchObject({ streak: 1, points: 10 });

  const g = await grant(m.memberId, {
    cards: 2,
    reason: 'compensation for an outage',
    idempotencyKey: 'mk-card-grant-1',
  });
  expect(g.body).toEqual({ memberId: String(m.memberId), granted: 2, cards: 2, replayed: false });
  expect(
    (await grant(m.memberId, { cards: 2, reason: 'compensation for an outage', idempotencyKey: 'mk-card-grant-1' }))
      .body,
  ).toMatchObject({ cards: 2, replayed: true });
  expect(
    (await grant(m.memberId, { cards: 3, reason: 'compensation for an outage', idempotencyKey: 'mk-card-grant-1' }))
      .body.code,
  ).toBe('IDEMPOTENCY_CONFLICT');
  expect((await grant(99999999, { cards: 1, reason: 'nobody', idempotencyKey: 'mk-card-grant-x' })).status).toBe(404);
  expect((await grant(m.memberId, { cards: 0, reason: 'zero', idempotencyKey: 'mk-card-grant-0' })).status).toBe(400);
  expect(
    (
      await t.http('POST', `/api/admin/members/${m.memberId}/makeup-cards`, {
        token,
        body: { cards: 5, reason: 'myself', idempotencyKey: 'mk-card-self-1' },
      })
    ).status,
  ).toBe(401);
  expect(
    await count(
      t,
      "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'checkin.makeup_cards.grant' AND target_id = ?",
      [String(m.memberId)],
    ),
  ).toBe(1);

  const r = await makeup(token, { date: '2026-12-02', payWith: 'card' });
  expect(r.body).toEqual({
    date: '2026-12-02',
    points: 10,
    paidPoints: 0,
    paidCards: 1,
    balance: 40,
    streak: 4,
    replayed: false,
  });
  expect((await makeup(token, { date: '2026-12-02', payWith: 'card' })).body).toMatchObject({
    paidCards: 1,
    replayed: true,
  });
  expect((await t.http('GET', '/api/me/checkin', { token })).body).toMatchObject({
    streak: 4,
    makeup: { cards: 1, remainingInCycle: 1 },
  });
  noon('2026-12-04');
  // Mon, Tue, (made up) Wed, Thu: Friday is day 5 of the streak.
  expect((await checkin((await t.login('mk-card')).token)).body).toMatchObject({ streak: 5, points: 10 });
});

test('concurrent make-ups: different days respect the allowance, the same day is paid once', async () => {
  noon('2026-11-23');
  const m = await t.login('mk-race');
  await fund(m.memberId, 500, 'mk-race-fund');
  noon('2026-11-29'); // Sunday: six past days in the week
  const token = (await t.login('mk-race')).token;
  const days = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'];
  const all = await Promise.all(days.map((date) => makeup(token, { date })));
  expect(all.filter((r) => r.status === 200)).toHaveLength(2);
  expect(all.filter((r) => r.status !== 200).every((r) => r.body.details?.reason === 'limit_reached')).toBe(true);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM checkins WHERE member_id = ? AND kind = 'makeup'", [m.memberId]),
  ).toBe(2);
  expect((await t.http('GET', '/api/me/points', { token })).body.balance).toBe(500 - 2 * 20 + 2 * 10);

  noon('2026-12-03');
  const token2 = (await t.login('mk-race')).token;
  const same = await Promise.all(Array.from({ length: 10 }, () => makeup(token2, { date: '2026-12-01' })));
  expect(same.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect(same.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(
    await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE idem_key = ?', [
      `makeup-pay:${m.memberId}:2026-12-01`,
    ]),
  ).toBe(1);
  expect((await t.http('GET', '/api/me/checkin', { token: token2 })).body.makeup.remainingInCycle).toBe(1);
});

test('make-up cards at once: one grant per key, and one card pays for one day only', async () => {
  noon('2026-11-30'); // Monday
  const m = await t.login('mk-card-race');
  const grants = await Promise.all(
    Array.from({ length: 10 }, () =>
      grant(m.memberId, { cards: 1, reason: 'one card, tapped ten times', idempotencyKey: 'mk-card-race-1' }),
    ),
  );
  expect(grants.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect(grants.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM makeup_card_entries WHERE member_id = ?', [m.memberId])).toBe(1);
  noon('2026-12-03'); // Monday and Tuesday missed, one card for both at once
  const token = (await t.login('mk-card-race')).token;
  const both = await Promise.all(['2026-12-01', '2026-12-02'].map((date) => makeup(token, { date, payWith: 'card' })));
  expect(both.filter((r) => r.status === 200)).toHaveLength(1);
  expect(both.find((r) => r.status !== 200)!.body.details?.reason).toBe('no_card');
  expect((await t.http('GET', '/api/me/checkin', { token })).body.makeup.cards).toBe(0);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM checkins WHERE member_id = ? AND kind = 'makeup'", [m.memberId]),
  ).toBe(1);
});

test('rules: no make-ups at all, free make-ups, and a week back when streaks never restart', async () => {
  noon('2026-12-07');
  const m = await t.login('mk-rules');
  noon('2026-12-16'); // Wednesday
  const token = (await t.login('mk-rules')).token;
  await setRules({ makeupMaxPerCycle: 0 });
  expect((await makeup(token, { date: '2026-12-15' })).body.details.reason).toBe('limit_reached');
  await setRules({ makeupCostPoints: 0 });
  expect((await makeup(token, { date: '2026-12-15' })).body).toMatchObject({ paidPoints: 0, points: 10, balance: 10 });
  expect(
    await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND delta < 0', [m.memberId]),
  ).toBe(0);
  await setRules({ cycle: 'none', makeupCostPoints: 0 });
  expect((await makeup(token, { date: '2026-12-08' })).body.details.reason).toBe('outside_cycle'); // 8 days back
  expect((await makeup(token, { date: '2026-12-09' })).status).toBe(200); // 7 days back
  // Without cycles the allowance is per calendar week; the 15th already used one this week.
  expect((await makeup(token, { date: '2026-12-14' })).body.details.reason).toBe('limit_reached');
});
