import { DEFAULT_CHURN_RULES } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';

/** The operator's simulation covers pending points and the member's churn stage, live or draft rules; it writes nothing. */
const clock = new ManualClock(new Date('2026-11-24T04:00:00Z')); // 12:00, 2026-11-24 in Shanghai
let t: TestServer;
let op: string;
beforeAll(async () => {
  t = await startTestServer({ clock });
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  op = (await t.staffToken('operator')).token;
});

const sim = (body: Record<string, unknown>) => t.http('POST', '/api/admin/simulate', { token: op, body });
const tables = ['points_entries', 'points_pending', 'orders', 'members', 'churn_entries', 'outbox', 'gift_grants'];
const counts = () => Promise.all(tables.map((x) => count(t, `SELECT COUNT(*) AS n FROM ${x}`)));

test('pending points: when the purchase points become spendable, live setting or draft', async () => {
  const now = await sim({ tierCode: 'normal', amountCents: 10_000 });
  expect(now.status).toBe(200);
  expect(now.body.pending).toEqual({ days: 0, releasesAt: null });
  expect(now.body.churn).toBeNull();
  // The start of the business day 7 days on (Asia/Shanghai), as the counter would hold them.
  const draft = await sim({ tierCode: 'normal', amountCents: 10_000, rules: { pendingDays: 7 } });
  expect(draft.body.pending).toEqual({ days: 7, releasesAt: '2026-11-30T16:00:00.000Z' });
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'points.pendingDays', 3, clock.now()));
  try {
    expect((await sim({ tierCode: 'normal', amountCents: 10_000 })).body.pending).toEqual({
      days: 3,
      releasesAt: '2026-11-26T16:00:00.000Z',
    });
    // A purchase that earns nothing holds nothing.
    expect((await sim({ tierCode: 'normal', amountCents: 50 })).body.pending.releasesAt).toBeNull();
  } finally {
    await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'points.pendingDays', 0, clock.now()));
  }
  expect((await sim({ tierCode: 'normal', amountCents: 10_000, rules: { pendingDays: -1 } })).status).toBe(400);
});

test("churn: the member's quiet days and stage at the purchase's time, with live or draft stages", async () => {
  const m = await t.login('sim-churn');
  const staff = await t.staffToken('staff');
  expect((await checkout(t, staff.token, m.memberId, 2_000)).status).toBe(200);
  const before = await counts();
  const body = (at: string, rules?: Record<string, unknown>) => ({
    memberId: String(m.memberId),
    amountCents: 10_000,
    at,
    ...(rules ? { rules } : {}),
  });
  expect((await sim(body('2026-11-24T06:00:00Z'))).body.churn).toEqual({
    lastActiveOn: '2026-11-24',
    quietDays: 0,
    stage: null,
    action: null,
    recovers: false,
  });
  expect((await sim(body('2026-12-04T06:00:00Z'))).body.churn).toMatchObject({
    quietDays: 10,
    stage: 'L2',
    action: 'gift',
    recovers: true,
  });
  const draft = {
    churn: {
      ...DEFAULT_CHURN_RULES,
      stages: DEFAULT_CHURN_RULES.stages.map((s) => ({ ...s, fromDays: s.fromDays * 3 })),
    },
  };
  expect((await sim(body('2026-12-04T06:00:00Z', draft))).body.churn).toMatchObject({ quietDays: 10, stage: 'L1' });
  expect(await counts()).toEqual(before);
});
