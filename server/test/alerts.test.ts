import { DEFAULT_ALERT_RULES } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { evaluateAlerts } from '../src/modules/insights/alerts';

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
const setRules = async (over: Partial<typeof DEFAULT_ALERT_RULES>) => {
  const op = await t.staffToken('operator');
  const value = { ...DEFAULT_ALERT_RULES, ...over };
  expect(
    (await t.http('PUT', '/api/admin/settings', { token: op.token, body: { key: 'insights.alerts', value } })).status,
  ).toBe(200);
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'insights.alerts', value, t.clock.now())); // this instance's cache
};
const runJob = async () => {
  const op = await t.staffToken('operator');
  const res = await t.http('POST', '/api/admin/jobs/alerts/run', { token: op.token });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('done');
};
const alerts = (rule: string) => count(t, 'SELECT COUNT(*) AS n FROM alerts WHERE rule = ?', [rule]);

/** `n` members each take one free voucher; `used` of them are written off at the till. */
async function vouchers(n: number, used: number, tag: string) {
  const op = await t.staffToken('operator');
  const staff = await t.staffToken('staff');
  const b = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: `券${tag}`, costPoints: 0, stock: 100, validDays: 30 },
  });
  expect(b.status).toBe(201);
  for (let i = 0; i < n; i++) {
    const login = await t.http('POST', '/api/auth/login', { body: { code: `alert-${tag}-${i}:1` } });
    const v = await t.http('POST', '/api/me/redemptions', {
      token: login.body.token,
      headers: { 'idempotency-key': `alert-${tag}-${i}-key` },
      body: { benefitId: b.body.id },
    });
    expect(v.status).toBe(200);
    if (i < used)
      expect(
        (
          await t.http('POST', '/api/staff/vouchers/redeem', {
            token: staff.token,
            body: { code: v.body.voucher.code },
          })
        ).status,
      ).toBe(200);
  }
}

test('a low write-off rate raises one alert per period, into the operators inbox; acknowledged once', async () => {
  at('2026-12-01T02:00:00Z'); // a Tuesday
  await setRules({ writeOffRate: { enabled: true, minRate: 0.15, days: 30, minIssued: 4 } });
  await vouchers(10, 1, 'low'); // 10 % written off
  await runJob();
  await runJob();
  await Promise.all([evaluateAlerts(t.ctx, today()), evaluateAlerts(t.ctx, today())]);
  expect(await alerts('voucher_write_off_low')).toBe(1);

  const op = await t.staffToken('operator');
  const list = await t.http('GET', '/api/admin/alerts?state=open', { token: op.token });
  expect(list.body.open).toBe(1);
  expect(list.body.items).toEqual([
    expect.objectContaining({ rule: 'voucher_write_off_low', period: '2026-11-30', value: 0.1, threshold: 0.15 }),
  ]);
  const inbox = await t.http('GET', '/api/admin/inbox', { token: op.token });
  expect(inbox.body.unread).toBe(1);
  expect(inbox.body.items[0]).toMatchObject({ kind: 'alert', read: false });
  expect(inbox.body.items[0].body).toContain('10.0%');

  const id = list.body.items[0].id;
  const ack = await t.http('POST', `/api/admin/alerts/${id}/acknowledge`, { token: op.token });
  expect(ack.status).toBe(200);
  expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgedAt: expect.any(String) });
  const again = await t.http('POST', `/api/admin/alerts/${id}/acknowledge`, { token: op.token });
  expect(again.body.acknowledgedAt).toBe(ack.body.acknowledgedAt);
  expect((await t.http('POST', '/api/admin/alerts/999999/acknowledge', { token: op.token })).status).toBe(404);
  expect((await t.http('GET', '/api/admin/alerts', { token: op.token })).body.open).toBe(0);
  expect((await t.http('POST', '/api/admin/inbox/read', { token: op.token, body: {} })).body.unread).toBe(0);

  at('2026-12-02T02:00:00Z'); // the same week: still one
  await runJob();
  expect(await alerts('voucher_write_off_low')).toBe(1);
  at('2026-12-08T02:00:00Z'); // the next week, still low: one more
  await runJob();
  expect(await alerts('voucher_write_off_low')).toBe(2);
});

test('no alert when the write-off rate is above the threshold', async () => {
  at('2027-03-01T02:00:00Z'); // the vouchers above are outside the 30 days by now
  await setRules({ writeOffRate: { enabled: true, minRate: 0.15, days: 30, minIssued: 4 } });
  await vouchers(5, 1, 'ok'); // 20 %
  await runJob();
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM alerts WHERE rule = 'voucher_write_off_low' AND period = '2027-03-01'"),
  ).toBe(0);
});

test("a staff member's adjustment spike and the liability growing week on week raise alerts", async () => {
  at('2027-04-05T02:00:00Z'); // a Monday
  await setRules({
    staffSpike: { enabled: true, factor: 3, minCount: 2, baselineDays: 28 },
    liabilityGrowth: { enabled: true, maxPercent: 20 },
  });
  const adjust = async (op: { token: string }, k: string, delta: number) => {
    const res = await t.http('POST', '/api/admin/points/adjustments', {
      token: op.token,
      body: { memberId, delta, reason: 'goodwill', idempotencyKey: `alert-adjust-${k}` },
    });
    expect(res.status).toBe(200);
  };
  const login = await t.http('POST', '/api/auth/login', { body: { code: 'alert-adjust:1' } });
  const memberId = login.body.memberId;
  await adjust(await t.staffToken('operator'), 'base', 10_000);
  await runJob(); // today's liability figure; one adjustment is no spike
  expect(await alerts('staff_adjust_spike')).toBe(0);
  at('2027-04-12T02:00:00Z'); // a week later: the liability has grown a lot, and one operator adjusted four times today
  const op = await t.staffToken('operator');
  for (const k of ['a', 'b', 'c', 'd']) await adjust(op, k, 5_000);
  await runJob();
  expect(await alerts('staff_adjust_spike')).toBe(1);
  expect(await alerts('liability_growth')).toBe(1);
  await runJob();
  expect(await alerts('staff_adjust_spike')).toBe(1);
});
