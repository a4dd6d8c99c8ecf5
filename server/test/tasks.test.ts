import { DEFAULT_TASKS, type TaskCatalog } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';

// Tuesday 2026-11-24, 12:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-24T04:00:00Z'));
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ clock });
  // Members type their phone in these tests (by default it comes from WeChat's getPhoneNumber).
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'members.phoneTyping', true, t.clock.now()));
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  await setCatalog(DEFAULT_TASKS);
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const noon = (date: string) => clock.set(`${date}T04:00:00Z`);
const setCatalog = (c: TaskCatalog) =>
  t.ctx.db.tx(async (q) => {
    await t.ctx.settings.set(q, 'tasks.catalog', c, clock.now());
  });
const complete = (token: string, code: string) => t.http('POST', `/api/me/tasks/${code}/complete`, { token });
const list = async (token: string) => (await t.http('GET', '/api/me/tasks', { token })).body;
const task = (l: { tasks: { code: string }[] }, code: string) =>
  l.tasks.find((x) => x.code === code) as Record<string, unknown>;
/** Everything a completion could write, to prove a refusal wrote nothing. */
const footprint = (memberId: number) =>
  Promise.all([
    count(t, 'SELECT COUNT(*) AS n FROM task_completions WHERE member_id = ?', [memberId]),
    count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [memberId]),
    count(t, 'SELECT COUNT(*) AS n FROM growth_entries WHERE member_id = ?', [memberId]),
    count(
      t,
      "SELECT COALESCE(SUM(amount), 0) AS n FROM daily_counters WHERE scope = 'client_tasks' AND subject_id = ?",
      [memberId],
    ),
  ]);

/** Two client-reported tasks beside the defaults (browse and share are checked by the server now). */
const CLIENT: TaskCatalog = {
  ...DEFAULT_TASKS,
  tasks: [
    ...DEFAULT_TASKS.tasks,
    { code: 'share_app_c', title: '分享', period: 'daily', kind: 'client', points: 5, growth: 1 },
    { code: 'browse_c', title: '逛逛', period: 'daily', kind: 'client', points: 2, growth: 0 },
  ],
};

test('client-reported tasks: once per period even when tapped at once, and capped per day', async () => {
  noon('2026-11-24');
  await setCatalog(CLIENT);
  const m = await t.login('tk-client');
  const all = await Promise.all(Array.from({ length: 10 }, () => complete(m.token, 'share_app_c')));
  expect(all.every((r) => r.status === 200)).toBe(true);
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(all[0].body).toMatchObject({ code: 'share_app_c', period: '2026-11-24', points: 5, growth: 1 });
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = 'task'", [m.memberId]),
  ).toBe(1);
  await setCatalog({ ...CLIENT, clientReportsPerDay: 1 });
  const before = await footprint(m.memberId);
  const capped = await complete(m.token, 'browse_c');
  expect([capped.status, capped.body.code]).toEqual([409, 'TASK_DAILY_CAP']);
  expect(await footprint(m.memberId)).toEqual(before);
  expect(task(await list(m.token), 'browse_c')).toMatchObject({ done: false, state: 'capped' });
  noon('2026-11-25'); // tomorrow: a new period and a new day
  const m2 = await t.login('tk-client');
  expect((await complete(m2.token, 'share_app_c')).body).toMatchObject({
    replayed: false,
    points: 5,
    period: '2026-11-25',
  });
  const l = await list(m2.token);
  expect(task(l, 'share_app_c')).toMatchObject({ done: true, state: 'done', periodKey: '2026-11-25' });
  expect(l.clientReportsLeftToday).toBe(0);
});

test('a repeat tap when the cap is exactly reached is a replay, not a refusal', async () => {
  noon('2026-11-24');
  await setCatalog({ ...CLIENT, clientReportsPerDay: 1 });
  const m = await t.login('tk-cap-race');
  const all = await Promise.all(Array.from({ length: 10 }, () => complete(m.token, 'browse_c')));
  expect(all.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect((await complete(m.token, 'share_app_c')).body.code).toBe('TASK_DAILY_CAP');
});

test('weekly and once periods', async () => {
  await setCatalog({
    ...DEFAULT_TASKS,
    tasks: [
      ...DEFAULT_TASKS.tasks,
      { code: 'weekly_visit', title: '每周到店看看', period: 'weekly', kind: 'client', points: 7, growth: 2 },
    ],
  });
  noon('2026-11-23'); // Monday
  const m = await t.login('tk-weekly');
  await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: '小周', birthday: '1990-01-02', phone: '13900002222', privacyConsentVersion: 'v1' },
  });
  expect((await complete(m.token, 'weekly_visit')).body).toMatchObject({
    period: 'w2026-11-23',
    points: 7,
    replayed: false,
  });
  expect((await complete(m.token, 'complete_profile')).body).toMatchObject({
    period: 'once',
    points: 50,
    replayed: false,
  });
  noon('2026-11-29'); // Sunday, same week
  let token = (await t.login('tk-weekly')).token;
  expect((await complete(token, 'weekly_visit')).body).toMatchObject({ period: 'w2026-11-23', replayed: true });
  noon('2026-11-30'); // next Monday
  token = (await t.login('tk-weekly')).token;
  expect(task(await list(token), 'weekly_visit')).toMatchObject({
    done: false,
    state: 'todo',
    periodKey: 'w2026-11-30',
  });
  expect((await complete(token, 'weekly_visit')).body).toMatchObject({ period: 'w2026-11-30', replayed: false });
  // "once" is once for good.
  expect((await complete(token, 'complete_profile')).body).toMatchObject({ period: 'once', replayed: true });
  expect(task(await list(token), 'complete_profile')).toMatchObject({ done: true, state: 'done' });
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = 'task'", [m.memberId]),
  ).toBe(3);
  expect((await t.http('GET', '/api/me/points', { token })).body.balance).toBe(7 + 50 + 7);
});

test('server-checked tasks are refused until really done (nothing written), then rewarded once with growth', async () => {
  noon('2026-11-24');
  const m = await t.login('tk-server');
  const empty = await footprint(m.memberId);
  for (const code of ['complete_profile', 'first_purchase', 'subscribe']) {
    const r = await complete(m.token, code);
    expect([code, r.status, r.body.code]).toEqual([code, 409, 'TASK_NOT_DONE']);
  }
  // Half a profile is not a profile.
  await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: '小林', privacyConsentVersion: 'v1' } });
  expect((await complete(m.token, 'complete_profile')).body.code).toBe('TASK_NOT_DONE');
  // A refusal of the subscribe prompt leaves a row behind: still not subscribed.
  const templateId = 'TPL_TIER_CHANGED';
  await t.http('POST', '/api/me/subscriptions', {
    token: m.token,
    body: { results: [{ templateId, result: 'reject' }] },
  });
  expect((await complete(m.token, 'subscribe')).body.code).toBe('TASK_NOT_DONE');
  // A purchase refunded in full is no purchase.
  const staff = await t.staffToken('staff');
  const order = await checkout(t, staff.token, m.memberId, 1_000);
  expect(order.status).toBe(200);
  const refund = await t.http('POST', '/api/staff/refunds', {
    token: staff.token,
    headers: { 'idempotency-key': 'tk-refund-0001' },
    body: { orderNo: order.body.orderNo, amountCents: 1_000 },
  });
  expect(refund.status).toBe(200);
  expect((await complete(m.token, 'first_purchase')).body.code).toBe('TASK_NOT_DONE');
  expect((await complete(m.token, 'no_such_task')).status).toBe(404);
  expect((await complete(m.token, 'BAD CODE')).status).toBe(400);
  expect((await complete(m.token, 'x')).status).toBe(400);
  const afterRefusals = await footprint(m.memberId);
  expect(afterRefusals[0]).toBe(empty[0]);
  expect(afterRefusals[3]).toBe(0);

  await t.http('PATCH', '/api/me', { token: m.token, body: { birthday: '1995-05-05', phone: '13900001111' } });
  expect((await complete(m.token, 'complete_profile')).body).toMatchObject({ points: 50, growth: 20, replayed: false });
  await t.http('POST', '/api/me/subscriptions', {
    token: m.token,
    body: { results: [{ templateId, result: 'accept' }] },
  });
  expect((await complete(m.token, 'subscribe')).body).toMatchObject({ points: 20, replayed: false });
  await checkout(t, (await t.staffToken('staff')).token, m.memberId, 2_000);
  expect((await complete(m.token, 'first_purchase')).body).toMatchObject({ points: 100, replayed: false });
  expect((await complete(m.token, 'first_purchase')).body).toMatchObject({ points: 100, replayed: true });
  const tier = await t.http('GET', '/api/me/tier', { token: m.token });
  expect(tier.body.entries.find((e: { source: string }) => e.source === 'action:complete_profile')).toMatchObject({
    delta: 20,
    label: '任务：完善个人资料',
  });
  // Server-checked tasks do not use the client reports of the day.
  expect((await list(m.token)).clientReportsLeftToday).toBe(DEFAULT_TASKS.clientReportsPerDay);
});
