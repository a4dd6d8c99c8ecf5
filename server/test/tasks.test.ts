import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

let t: TestServer;
beforeAll(async () => { t = await startTestServer(); });
afterAll(async () => { await t.close(); });
afterEach(async () => { expect(await checkInvariants(t.ctx.db)).toEqual([]); });

const complete = (token: string, code: string) => t.http('POST', `/api/me/tasks/${code}/complete`, { token });

test('client-reported tasks: once per period even when tapped at once, and capped per day', async () => {
  const m = await t.login('tk-client');
  const all = await Promise.all(Array.from({ length: 10 }, () => complete(m.token, 'share_app')));
  expect(all.every((r) => r.status === 200)).toBe(true);
  expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
  expect(await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = 'task'", [m.memberId])).toBe(1);
  await t.ctx.db.tx(async (q) => t.ctx.settings.set(q, 'tasks.catalog', { ...(await t.ctx.settings.get('tasks.catalog')), clientReportsPerDay: 1 }, t.clock.now()));
  const capped = await complete(m.token, 'browse_benefits');
  expect(capped.status).toBe(409);
  expect(capped.body.code).toBe('TASK_DAILY_CAP');
  t.clock.advance(86_400_000); // tomorrow: a new period and a new day
  const m2 = await t.login('tk-client');
  expect((await complete(m2.token, 'share_app')).body).toMatchObject({ replayed: false, points: 5 });
  const list = await t.http('GET', '/api/me/tasks', { token: m2.token });
  expect(list.body.tasks.find((x: { code: string }) => x.code === 'share_app').done).toBe(true);
  expect(list.body.clientReportsLeftToday).toBe(0);
});

test('server-checked tasks are refused until done, then rewarded once with growth', async () => {
  const m = await t.login('tk-server');
  expect((await complete(m.token, 'complete_profile')).body.code).toBe('TASK_NOT_DONE');
  expect((await complete(m.token, 'first_purchase')).body.code).toBe('TASK_NOT_DONE');
  await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: '小林', birthday: '1995-05-05', phone: '13900001111' } });
  expect((await complete(m.token, 'complete_profile')).body).toMatchObject({ points: 50, growth: 20, replayed: false });
  const staff = await t.staffToken('staff');
  await checkout(t, staff.token, m.memberId, 1_000);
  expect((await complete(m.token, 'first_purchase')).body.points).toBe(100);
  expect((await complete(m.token, 'no_such_task')).status).toBe(404);
  expect((await complete(m.token, 'BAD CODE')).status).toBe(400);
  const tier = await t.http('GET', '/api/me/tier', { token: m.token });
  expect(tier.body.entries.find((e: { source: string }) => e.source === 'action:complete_profile')).toMatchObject({ delta: 20, label: '任务：完善个人资料' });
});
