import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';
import { CheckinService } from '../src/modules/checkin/service';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { DEFAULT_CHECKIN_RULES } from '@huiyuan/shared';

// Tuesday 2026-11-24, 12:00 in Shanghai; the week started Monday the 23rd.
const clock = new ManualClock(new Date('2026-11-24T04:00:00Z'));
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

/** Noon in Shanghai on a business date. */
const noon = (date: string) => clock.set(`${date}T04:00:00Z`);
const checkin = (token: string, headers?: Record<string, string>) =>
  t.http('POST', '/api/me/checkin', { token, headers });
const setRules = (patch: Partial<typeof DEFAULT_CHECKIN_RULES>) =>
  t.ctx.db.tx(async (q) => {
    await t.ctx.settings.set(q, 'checkin.rules', { ...DEFAULT_CHECKIN_RULES, ...patch }, clock.now());
  });
const rows = (memberId: number) => count(t, 'SELECT COUNT(*) AS n FROM checkins WHERE member_id = ?', [memberId]);
const entries = (memberId: number) =>
  count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [memberId]);

test('20 taps at once check in once and credit once', async () => {
  noon('2026-11-24');
  const m = await t.login('ci-double');
  const all = await Promise.all(Array.from({ length: 20 }, () => checkin(m.token)));
  expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(new Set(all.map((r) => r.body.points))).toEqual(new Set([10]));
  expect(await rows(m.memberId)).toBe(1);
  expect(await entries(m.memberId)).toBe(1);
  expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(10);
});

test('20 taps with 20 different Idempotency-Keys still check in once', async () => {
  noon('2026-11-24');
  const m = await t.login('ci-double-keys');
  const all = await Promise.all(
    Array.from({ length: 20 }, (_, i) => checkin(m.token, { 'idempotency-key': `tap-key-${i}-abcdef` })),
  );
  expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(await entries(m.memberId)).toBe(1);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM checkin_requests WHERE member_id = ?', [m.memberId])).toBe(20);
});

test('the unique key holds across server instances, one transaction per tap (no batching)', async () => {
  noon('2026-11-24');
  const m = await t.login('ci-instances');
  // Two more "servers" on the same database, each writing every tap in its own transaction.
  const servers = [0, 1].map(
    () =>
      new CheckinService(t.ctx.db, clock, t.ctx.settings, t.ctx.ledger, t.ctx.tiers, 'Asia/Shanghai', {
        maxBatch: 1,
        maxInFlight: 32,
      }),
  );
  const all = await Promise.all([
    ...Array.from({ length: 10 }, (_, i) => servers[i % 2].checkin(m.memberId)),
    ...Array.from({ length: 10 }, () => checkin(m.token).then((r) => r.body)),
  ]);
  expect(all.filter((r) => !r.replayed)).toHaveLength(1);
  expect(all.every((r) => r.date === '2026-11-24' && r.points === 10)).toBe(true);
  expect(await rows(m.memberId)).toBe(1);
  expect(await entries(m.memberId)).toBe(1);
});

test('many members at once: each checked in once, each credited its own reward', async () => {
  noon('2026-11-24');
  const members = await Promise.all(Array.from({ length: 40 }, (_, i) => t.login(`ci-crowd-${i}`)));
  const all = await Promise.all(members.flatMap((m) => [checkin(m.token), checkin(m.token)]));
  expect(all.every((r) => r.status === 200)).toBe(true);
  for (const m of members) {
    expect(await rows(m.memberId)).toBe(1);
    expect((await t.http('GET', '/api/me/points', { token: m.token })).body.balance).toBe(10);
  }
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(40);
});

test('the business day turns at 00:00:00 Shanghai time, not UTC', async () => {
  clock.set('2026-11-24T15:59:59Z'); // 23:59:59 on the 24th in Shanghai
  const m = await t.login('ci-midnight');
  expect((await checkin(m.token)).body).toMatchObject({ date: '2026-11-24', streak: 1, replayed: false });
  expect((await checkin(m.token)).body).toMatchObject({ date: '2026-11-24', replayed: true });
  clock.set('2026-11-24T16:00:00Z'); // 00:00:00 on the 25th
  expect((await checkin(m.token)).body).toMatchObject({ date: '2026-11-25', streak: 2, replayed: false });
  const view = await t.http('GET', '/api/me/checkin', { token: m.token });
  expect(view.body).toMatchObject({ today: '2026-11-25', checkedInToday: true, streak: 2 });
});

test('an Idempotency-Key retried after midnight answers with the day it checked in', async () => {
  clock.set('2026-11-24T15:59:59Z');
  const m = await t.login('ci-key-midnight');
  const key = { 'idempotency-key': 'checkin-retry-0001' };
  expect((await checkin(m.token, key)).body).toMatchObject({ date: '2026-11-24', replayed: false });
  clock.set('2026-11-24T16:00:01Z'); // the answer was lost; the phone retries with the same key after midnight
  expect((await checkin(m.token, key)).body).toMatchObject({ date: '2026-11-24', points: 10, replayed: true });
  expect(await rows(m.memberId)).toBe(1);
  // A new tap (a new key) checks in the new day.
  expect((await checkin(m.token, { 'idempotency-key': 'checkin-retry-0002' })).body).toMatchObject({
    date: '2026-11-25',
    streak: 2,
    replayed: false,
  });
  expect(await rows(m.memberId)).toBe(2);
});

test('bad input is refused with 4xx and changes nothing', async () => {
  noon('2026-11-24');
  const m = await t.login('ci-bad');
  const before = [await rows(m.memberId), await entries(m.memberId)];
  const bad: [Promise<{ status: number; body: any }>, number][] = [
    [checkin(m.token, { 'idempotency-key': 'short' }), 400],
    [checkin(m.token, { 'idempotency-key': 'has spaces in it!' }), 400],
    [
      t.http('POST', '/api/me/checkin', {
        token: m.token,
        raw: 'date=2026-11-20',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
    ],
    [
      t.http('POST', '/api/me/checkin', {
        token: m.token,
        raw: '{"date":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    ],
    [t.http('POST', '/api/me/checkin'), 401],
    [t.http('POST', '/api/me/checkin', { token: 'not-a-real-token-at-all' }), 401],
    [t.http('GET', '/api/me/checkin?month=2026-13', { token: m.token }), 400],
    [t.http('GET', '/api/me/checkin?month=2026-11&date=2026-11-01', { token: m.token }), 400],
  ];
  for (const [res, status] of bad) expect((await res).status).toBe(status);
  expect([await rows(m.memberId), await entries(m.memberId)]).toEqual(before);
  // A body cannot choose the day: the server's business date is the only date.
  expect(
    (await t.http('POST', '/api/me/checkin', { token: m.token, body: { date: '2026-11-20' } })).body,
  ).toMatchObject({ date: '2026-11-24' });
});

test('weekly streak: bonus on day 3 and day 7, a new streak on Monday', async () => {
  const days = [
    '2026-11-30',
    '2026-12-01',
    '2026-12-02',
    '2026-12-03',
    '2026-12-04',
    '2026-12-05',
    '2026-12-06',
    '2026-12-07',
  ];
  const got: [number, number][] = [];
  for (const d of days) {
    noon(d);
    const r = await checkin((await t.login('ci-week')).token);
    got.push([r.body.streak, r.body.points]);
  }
  expect(got).toEqual([
    [1, 10],
    [2, 10],
    [3, 30],
    [4, 10],
    [5, 10],
    [6, 10],
    [7, 60],
    [1, 10],
  ]);
  const view = await t.http('GET', '/api/me/checkin?month=2026-12', { token: (await t.login('ci-week')).token });
  expect(view.body).toMatchObject({
    today: '2026-12-07',
    checkedInToday: true,
    streak: 1,
    cycle: 'weekly',
    nextBonus: { day: 3, bonus: 20, inDays: 2 },
  });
  expect(view.body.days).toHaveLength(31);
  expect(view.body.days.filter((d: { checked: boolean }) => d.checked)).toHaveLength(7);
});

test('a missed day breaks the streak; the next bonus is null when the week ends first', async () => {
  const token = async () => (await t.login('ci-gap')).token;
  for (const d of ['2026-12-14', '2026-12-15']) {
    noon(d);
    await checkin(await token());
  }
  noon('2026-12-17'); // Wednesday the 16th missed
  expect((await checkin(await token())).body).toMatchObject({ streak: 1, points: 10 });
  noon('2026-12-19'); // Saturday, not yet checked in: yesterday was missed
  let view = (await t.http('GET', '/api/me/checkin', { token: await token() })).body;
  expect(view).toMatchObject({
    streak: 0,
    checkedInToday: false,
    todayReward: { base: 10, bonus: 0, total: 10 },
    nextBonus: null,
  });
  expect(view.days.find((d: { date: string }) => d.date === '2026-12-16')).toMatchObject({
    checked: false,
    canMakeUp: true,
  });
  noon('2026-12-20'); // Sunday: a streak of 1 cannot reach day 3 before Monday resets it
  await checkin(await token());
  view = (await t.http('GET', '/api/me/checkin', { token: await token() })).body;
  expect(view).toMatchObject({ streak: 1, nextBonus: null });
});

test('monthly cycle: the streak restarts on the 1st; tier multiplier when switched on', async () => {
  await setRules({
    cycle: 'monthly',
    streakBonuses: [
      { day: 3, bonus: 20 },
      { day: 28, bonus: 100 },
    ],
    tierMultiplier: true,
  });
  const token = async () => (await t.login('ci-month')).token;
  noon('2026-12-29');
  const m = await t.login('ci-month');
  await t.ctx.db.tx((q) => q.exec("UPDATE member_tiers SET tier_code = 'gold' WHERE member_id = ?", [m.memberId]));
  const got: [string, number, number][] = [];
  for (const d of ['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']) {
    noon(d);
    const r = (await checkin(await token())).body;
    got.push([r.date, r.streak, r.points]);
  }
  // Gold: 150% of the base 10; day 3 of December's streak gets its bonus; January starts over.
  expect(got).toEqual([
    ['2026-12-29', 1, 15],
    ['2026-12-30', 2, 15],
    ['2026-12-31', 3, 35],
    ['2027-01-01', 1, 15],
    ['2027-01-02', 2, 15],
  ]);
  const view = (await t.http('GET', '/api/me/checkin?month=2026-12', { token: await token() })).body;
  expect(view).toMatchObject({
    month: '2026-12',
    today: '2027-01-02',
    streak: 2,
    cycle: 'monthly',
    nextBonus: { day: 3, inDays: 1 },
  });
  expect(view.days.filter((d: { checked: boolean }) => d.checked).map((d: { points: number }) => d.points)).toEqual([
    15, 15, 35,
  ]);
});

test('one bad request in a batch gets its own error; the others are checked in', async () => {
  noon('2026-11-24');
  const members = await Promise.all([0, 1, 2].map((i) => t.login(`ci-batch-iso-${i}`)));
  // Submitted in the same turn of the event loop, so they share one batch; 99999999 has no account.
  const all = await Promise.allSettled([
    ...members.map((m) => t.ctx.checkins.checkin(m.memberId)),
    t.ctx.checkins.checkin(99999999),
  ]);
  expect(all.slice(0, 3).map((r) => r.status === 'fulfilled' && r.value.replayed)).toEqual([false, false, false]);
  expect(all[3]).toMatchObject({ status: 'rejected', reason: { code: 'MEMBER_NOT_FOUND' } });
  expect(await rows(99999999)).toBe(0);
  for (const m of members) expect(await entries(m.memberId)).toBe(1);
});
