import { DEFAULT_CHURN_RULES, type ChurnRules } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { runChurn } from '../src/modules/insights/churn';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const at = (iso: string) => {
  (t.clock as unknown as { t: Date }).t = new Date(iso);
};
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(t.clock.now());
let seq = 0;
const login = async (identity: string) => {
  const res = await t.http('POST', '/api/auth/login', { body: { code: `${identity}:${++seq}` } });
  expect(res.status).toBe(200);
  return { token: res.body.token as string, memberId: Number(res.body.memberId) };
};
const setting = async (key: string, value: unknown) => {
  const op = await t.staffToken('operator');
  const res = await t.http('PUT', '/api/admin/settings', { token: op.token, body: { key, value } });
  expect(res.status).toBe(200);
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, key as never, value as never, t.clock.now())); // drop this instance's cache
};
const runJob = async () => {
  const op = await t.staffToken('operator');
  const res = await t.http('POST', '/api/admin/jobs/churn/run', { token: op.token });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('done');
  return res.body;
};
/** The job's body run directly, as two instances would if both held the job at once. */
const body = () =>
  runChurn(t.ctx, { now: t.clock.now(), date: today(), resumeFrom: null, checkpoint: async () => undefined });
const stages = (memberId: number) =>
  t.ctx.db.read((q) =>
    q.all<{ stage: string; episode: string; recovered_on: string | null; store_id: number | null }>(
      'SELECT stage, episode, recovered_on, store_id FROM churn_entries WHERE member_id = ? ORDER BY id',
      [memberId],
    ),
  );
const messages = (memberId: number) =>
  count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'churn_wakeup' AND member_id = ?", [memberId]);

test('a stage is entered once per quiet episode, with runs twice and at once; a gift goes out once', async () => {
  at('2026-12-01T02:00:00Z'); // a Tuesday, 10:00 in Shanghai
  const op = await t.staffToken('operator');
  const gift = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: '回归咖啡券', costPoints: 0, stock: 10, validDays: 7 },
  });
  expect(gift.status).toBe(201);
  const rules: ChurnRules = {
    ...DEFAULT_CHURN_RULES,
    stages: DEFAULT_CHURN_RULES.stages.map((s) => (s.code === 'L2' ? { ...s, benefitId: gift.body.id } : s)),
  };
  await setting('insights.churn', rules);
  const m = await login('churn-once');
  expect(await runJob()).toMatchObject({ detail: expect.not.objectContaining({ L1: expect.anything() }) });
  expect(await stages(m.memberId)).toEqual([]); // active today: not quiet

  at('2026-12-03T02:00:00Z'); // 2 quiet days: L1
  await runJob();
  await runJob();
  await Promise.all([body(), body(), t.ctx.jobs.run('churn', 'test').catch(() => undefined)]);
  expect((await stages(m.memberId)).map((s) => s.stage)).toEqual(['L1']);
  expect(await messages(m.memberId)).toBe(1);

  at('2026-12-10T02:00:00Z'); // 9 quiet days: L2, its gift voucher and message, entered by two runs at once
  await Promise.all([body(), body(), body()]);
  await runJob();
  const rows = await stages(m.memberId);
  expect(rows.map((s) => s.stage)).toEqual(['L1', 'L2']);
  expect(new Set(rows.map((s) => s.episode))).toEqual(new Set(['2026-12-01']));
  expect(await count(t, 'SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ?', [m.memberId])).toBe(1);
  expect(await messages(m.memberId)).toBe(2);
});

test('recovery is counted when the member is active again; a new episode enters the stage again', async () => {
  at('2027-02-01T02:00:00Z'); // a Monday
  await setting('insights.churn', DEFAULT_CHURN_RULES);
  const m = await login('churn-back');
  const stay = await login('churn-stays');
  at('2027-02-10T02:00:00Z'); // 9 quiet days: L2
  await runJob();
  expect((await stages(m.memberId)).map((s) => s.stage)).toEqual(['L2']);
  at('2027-02-12T02:00:00Z');
  // The member is active again: a login (the same WeChat identity) and a check-in.
  const back = await login('churn-back');
  expect(back.memberId).toBe(m.memberId);
  expect((await t.http('POST', '/api/me/checkin', { token: back.token })).status).toBe(200);
  await runJob();
  expect(await stages(m.memberId)).toEqual([expect.objectContaining({ stage: 'L2', recovered_on: '2027-02-12' })]);
  expect((await stages(stay.memberId))[0]).toMatchObject({ stage: 'L2', recovered_on: null });

  const op = await t.staffToken('operator');
  const view = await t.http('GET', '/api/admin/churn/stages?from=2027-02-01&to=2027-02-28', { token: op.token });
  expect(view.status).toBe(200);
  expect(view.body.stages.find((s: { code: string }) => s.code === 'L2')).toMatchObject({
    entered: 2,
    recovered: 1,
    recoveryRate: 0.5,
  });

  at('2027-02-22T02:00:00Z'); // quiet again for 10 days: a new episode, L2 once more
  await runJob();
  await runJob();
  const rows = await stages(m.memberId);
  expect(rows.map((s) => [s.stage, s.episode])).toEqual([
    ['L2', '2027-02-01'],
    ['L2', '2027-02-12'],
  ]);
});

test('the weekly message cap holds across stages; the stage is still entered', async () => {
  at('2027-03-01T02:00:00Z'); // a Monday
  await setting('insights.churn', {
    ...DEFAULT_CHURN_RULES,
    stages: [
      { code: 'L1', fromDays: 1, action: 'message', benefitId: null, callList: false },
      { code: 'L2', fromDays: 3, action: 'message', benefitId: null, callList: false },
      { code: 'L3', fromDays: 7, action: 'message', benefitId: null, callList: false },
    ],
  });
  const m = await login('churn-cap');
  at('2027-03-02T02:00:00Z'); // L1: messaged
  await runJob();
  at('2027-03-04T02:00:00Z'); // L2, same week: entered, message capped
  await runJob();
  expect((await stages(m.memberId)).map((s) => s.stage)).toEqual(['L1', 'L2']);
  expect(await messages(m.memberId)).toBe(1);
  at('2027-03-08T02:00:00Z'); // L3, next week: messaged
  await runJob();
  expect(await messages(m.memberId)).toBe(2);
});

test("call list: members in a call-list stage, by their last order's store; staff see their own store only", async () => {
  at('2027-04-01T02:00:00Z');
  await setting('insights.churn', DEFAULT_CHURN_RULES);
  const staff = await t.staffToken('staff');
  const m = await login('churn-call');
  expect((await checkout(t, staff.token, m.memberId, 10_000)).status).toBe(200);
  const other = await t.ctx.db.tx((q) => t.ctx.staff.createStore(q, { code: 'CHURN-2', name: '二店' }, t.clock.now()));
  at('2027-04-18T02:00:00Z'); // 17 quiet days: L3
  await runJob();
  const row = (await stages(m.memberId))[0];
  expect(row.stage).toBe('L3');
  expect(row.store_id).not.toBeNull();

  const mine = await t.http('GET', '/api/staff/churn/call-list', { token: (await t.staffToken('staff')).token });
  expect(mine.status).toBe(200);
  expect(mine.body.items).toEqual([
    expect.objectContaining({ memberId: String(m.memberId), stage: 'L3', quietDays: 17, lastActiveOn: '2027-04-01' }),
  ]);
  const otherStaff = await t.staffToken('staff', other);
  expect((await t.http('GET', '/api/staff/churn/call-list', { token: otherStaff.token })).body.items).toEqual([]);
  const op = await t.staffToken('operator');
  expect((await t.http('GET', '/api/staff/churn/call-list', { token: op.token })).status).toBe(403); // no store
  const byAdmin = await t.http('GET', `/api/admin/churn/call-list/${row.store_id}`, { token: op.token });
  expect(byAdmin.body.items.map((i: { memberId: string }) => i.memberId)).toContain(String(m.memberId));
  const view = await t.http('GET', '/api/admin/churn/stages?from=2027-04-01&to=2027-04-30', { token: op.token });
  expect(view.body.callLists).toEqual(
    expect.arrayContaining([expect.objectContaining({ storeId: String(row.store_id), members: 1 })]),
  );
  expect(
    (await t.http('GET', '/api/admin/churn/stages?from=2027-04-30&to=2027-04-01', { token: op.token })).status,
  ).toBe(400);
});

test('last activity is written at most once a day', async () => {
  at('2027-05-01T02:00:00Z');
  const m = await login('churn-touch');
  const lastActive = () =>
    t.ctx.db.read((q) =>
      q.one<{ last_active_on: string }>('SELECT last_active_on FROM members WHERE id = ?', [m.memberId]),
    );
  expect((await lastActive())?.last_active_on).toBe('2027-05-01');
  const { touchActive } = await import('../src/modules/members/store-activity');
  expect(await t.ctx.db.tx((q) => touchActive(q, m.memberId, '2027-05-01'))).toBe(0); // already today: no write
  expect(await t.ctx.db.tx((q) => touchActive(q, m.memberId, '2027-05-02'))).toBe(1);
  expect((await lastActive())?.last_active_on).toBe('2027-05-02');
});
