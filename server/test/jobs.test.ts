import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

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
const runJob = async (name: string) => {
  const op = await t.staffToken('operator');
  const res = await t.http('POST', `/api/admin/jobs/${name}/run`, { token: op.token });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('done');
  return res.body;
};
let seq = 0;
const member = async (identity: string, birthday?: string) => {
  const res = await t.http('POST', '/api/auth/login', { body: { code: `${identity}:${++seq}` } });
  if (birthday)
    expect(
      (await t.http('PATCH', '/api/me', { token: res.body.token, body: { birthday, privacyConsentVersion: 'v1' } }))
        .status,
    ).toBe(200);
  return { token: res.body.token as string, memberId: Number(res.body.memberId) };
};
const entries = (memberId: number, reason: string) =>
  count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = ?', [memberId, reason]);

test('the birthday job run twice on the same day gifts once', async () => {
  at('2026-11-24T02:00:00Z'); // 10:00 in Shanghai
  const a = await member('job-bday-a', '1990-11-24');
  const b = await member('job-bday-b', '1990-11-25');
  const first = await runJob('birthday');
  expect(first.detail).toMatchObject({ gifted: 1 });
  const second = await runJob('birthday');
  expect(second.detail).toMatchObject({ gifted: 0 });
  expect(await entries(a.memberId, 'birthday_gift')).toBe(1);
  expect(await entries(b.memberId, 'birthday_gift')).toBe(0);
  expect((await t.http('GET', '/api/me/points', { token: a.token })).body.balance).toBe(100); // 普卡 gift
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'birthday_gift' AND member_id = ?", [a.memberId]),
  ).toBe(1);
  // The scheduler's own run for the day is once too, however often it ticks.
  await t.ctx.jobs.tick();
  await t.ctx.jobs.tick();
  expect(await count(t, "SELECT COUNT(*) AS n FROM job_runs WHERE run_key = 'birthday:2026-11-24'")).toBe(1);
  expect(await entries(a.memberId, 'birthday_gift')).toBe(1);
});

test('Feb 29 birthdays are celebrated on Feb 28 in non-leap years, on Feb 29 in leap years', async () => {
  at('2027-02-28T02:00:00Z');
  const leapling = await member('job-leap', '2000-02-29');
  await runJob('birthday');
  expect(await entries(leapling.memberId, 'birthday_gift')).toBe(1);
  at('2028-02-28T02:00:00Z');
  await runJob('birthday');
  expect(await entries(leapling.memberId, 'birthday_gift')).toBe(1);
  at('2028-02-29T02:00:00Z');
  await runJob('birthday');
  expect(await entries(leapling.memberId, 'birthday_gift')).toBe(2);
});

test('the expiry job expires due lots through the ledger and reminds a week ahead', async () => {
  at('2026-01-10T04:00:00Z');
  const m = await member('job-expiry');
  const staff = await t.staffToken('staff');
  await checkout(t, staff.token, m.memberId, 10_000); // 100 points, expire at the end of Jan 2027 (Shanghai)
  at('2027-01-26T04:00:00Z');
  const r1 = await runJob('points_expiry');
  expect(r1.detail.reminded).toBeGreaterThanOrEqual(1);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'points_expiring' AND member_id = ?", [m.memberId]),
  ).toBe(1);
  await runJob('points_expiry');
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'points_expiring' AND member_id = ?", [m.memberId]),
  ).toBe(1);
  at('2027-02-01T04:00:00Z');
  const r2 = await runJob('points_expiry');
  expect(r2.detail.expiredPoints).toBe(100);
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(0);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND type = 'expire'", [m.memberId]),
  ).toBe(1);
  expect((await runJob('points_expiry')).detail.expiredPoints).toBe(0);
});

test('voucher expiry marks expired vouchers; tier evaluation lowers a tier after grace with a notice', async () => {
  at('2026-11-24T04:00:00Z');
  const op = await t.staffToken('operator');
  const b = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: '试饮券', costPoints: 0, stock: 5, validDays: 2 },
  });
  const m = await member('job-voucher');
  await t.http('POST', '/api/me/redemptions', {
    token: m.token,
    headers: { 'idempotency-key': 'job-voucher-1' },
    body: { benefitId: b.body.id },
  });
  const staff = await t.staffToken('staff');
  await checkout(t, staff.token, m.memberId, 300_000); // silver
  at('2026-11-27T04:00:00Z');
  expect((await runJob('voucher_expiry')).detail.expired).toBe(1);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ? AND status = 'expired'", [m.memberId]),
  ).toBe(1);
  at('2027-12-01T04:00:00Z'); // growth left the 12-month window
  expect((await runJob('tier_evaluation')).detail).toMatchObject({ grace: expect.any(Number) });
  at('2028-01-05T04:00:00Z');
  const ev = await runJob('tier_evaluation');
  expect(ev.detail.downgrade).toBeGreaterThanOrEqual(1);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'tier_changed' AND member_id = ?", [m.memberId]),
  ).toBe(2);
});

test('churn: a quiet member gets one message per stage and episode, not one a week', async () => {
  at('2026-11-24T04:00:00Z');
  const m = await member('job-churn');
  at('2027-01-05T04:00:00Z'); // a Tuesday, six weeks later
  await runJob('churn');
  at('2027-01-06T04:00:00Z');
  await runJob('churn');
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'churn_wakeup' AND member_id = ?", [m.memberId]),
  ).toBe(1);
  at('2027-01-12T04:00:00Z'); // next week, still in the same stage of the same quiet spell
  await runJob('churn');
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'churn_wakeup' AND member_id = ?", [m.memberId]),
  ).toBe(1);
  at('2027-01-23T04:00:00Z'); // 60 days quiet: the next stage
  await runJob('churn');
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'churn_wakeup' AND member_id = ?", [m.memberId]),
  ).toBe(2);
});

test('one run at a time per job; run history is kept', async () => {
  const op = await t.staffToken('operator');
  const [x, y] = await Promise.all(
    [1, 2].map(() => t.http('POST', '/api/admin/jobs/segments/run', { token: op.token })),
  );
  expect([x.status, y.status].sort()).toEqual(t.dialect === 'sqlite' ? [200, 200] : expect.arrayContaining([200]));
  const runs = await t.http('GET', '/api/admin/jobs/runs?job=segments', { token: op.token });
  expect(runs.body.items.length).toBeGreaterThanOrEqual(1);
  expect(runs.body.items[0]).toMatchObject({
    job: 'segments',
    status: 'done',
    triggeredBy: expect.stringMatching(/^operator:/),
  });
  expect((await t.http('POST', '/api/admin/jobs/nope/run', { token: op.token })).status).toBe(400);
});
