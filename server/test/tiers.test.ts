import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

let t: TestServer;
let staff: { token: string };
beforeAll(async () => {
  t = await startTestServer();
  staff = await t.staffToken('staff');
});
afterAll(async () => {
  await t.close();
});
// Tests move the clock by months: a staff token from an earlier test would have expired.
beforeEach(async () => {
  staff = await t.staffToken('staff');
});

const DAY = 86_400_000;
const evaluate = (memberId: number) => t.ctx.db.tx((q) => t.ctx.tiers.evaluateIn(q, memberId, t.clock.now()));
// Logs in again each time: the clock jumps months ahead, past the token's lifetime.
const tierOf = async (identity: string) =>
  (await t.http('GET', '/api/me/tier', { token: (await t.login(identity)).token })).body;

test('upgrade at once, keep within the window, grace period, then downgrade at evaluation', async () => {
  const m = await t.login('tier-cycle');
  expect((await checkout(t, staff.token, m.memberId, 650_000)).body.tierChanged).toEqual({
    from: 'normal',
    to: 'gold',
  });
  expect((await evaluate(m.memberId)).action).toBe('keep');

  // Eleven months on, the growth still counts: the tier is kept, but the preview warns nothing yet.
  t.clock.advance(330 * DAY);
  expect((await evaluate(m.memberId)).action).toBe('keep');
  const preview = await tierOf('tier-cycle');
  expect(preview.keep).toMatchObject({ minGrowth: 6000, needed: 0, atRisk: false, graceUntil: null });
  expect(new Date(preview.entries[0].countsUntil).getTime()).toBeGreaterThan(t.clock.now().getTime());

  // After 12 months the purchase leaves the window: grace period starts (with a notice), tier kept.
  t.clock.advance(40 * DAY);
  const grace = await evaluate(m.memberId);
  expect(grace).toMatchObject({ action: 'grace', from: 'gold', to: 'gold', growth: 0 });
  const during = await tierOf('tier-cycle');
  expect(during.current.code).toBe('gold');
  expect(during.keep).toMatchObject({ needed: 6000, atRisk: true });
  expect(during.keep.graceUntil).not.toBeNull();
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND kind = 'tier_at_risk'", [m.memberId]),
  ).toBe(1);
  expect((await evaluate(m.memberId)).action).toBe('grace'); // still within grace, no second notice
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND kind = 'tier_at_risk'", [m.memberId]),
  ).toBe(1);

  t.clock.advance(31 * DAY);
  expect(await evaluate(m.memberId)).toMatchObject({ action: 'downgrade', from: 'gold', to: 'normal' });
  expect((await tierOf('tier-cycle')).current.code).toBe('normal');
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND kind = 'tier_changed'", [m.memberId]),
  ).toBe(2);
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

test('growth regained during the grace period keeps the tier', async () => {
  const m = await t.login('tier-regain');
  await checkout(t, staff.token, m.memberId, 300_000); // silver
  t.clock.advance(370 * DAY);
  expect((await evaluate(m.memberId)).action).toBe('grace');
  await checkout(t, (await t.staffToken('staff')).token, m.memberId, 300_000); // a fresh staff login: a year has passed
  expect((await evaluate(m.memberId)).action).toBe('keep');
  expect((await tierOf('tier-regain')).keep.graceUntil).toBeNull();
  t.clock.advance(40 * DAY);
  expect((await evaluate(m.memberId)).action).toBe('keep');
});

test('concurrent purchases that cross a threshold together upgrade the member', async () => {
  const m = await t.login('tier-race');
  await checkout(t, staff.token, m.memberId, 280_000); // 2800 growth
  t.clock.advance(60_000); // the last scan used the step before the previous one
  const { codeFor, nextOrderNo } = await import('./checkout-helpers');
  // Two tills, two codes (current and previous step), 100 growth each: together 3000.
  const prevCode = await codeFor(t, m.memberId, new Date(t.clock.now().getTime() - 30_000));
  const curCode = await codeFor(t, m.memberId);
  const [a, b] = await Promise.all(
    [prevCode, curCode].map((memberCode) =>
      t.http('POST', '/api/staff/checkout', {
        token: staff.token,
        body: { memberCode, orderNo: nextOrderNo(), amountCents: 10_000 },
      }),
    ),
  );
  expect([a.status, b.status]).toEqual([200, 200]);
  expect((await tierOf('tier-race')).current.code).toBe('silver');
  expect([a.body.tierChanged, b.body.tierChanged].filter(Boolean)).toHaveLength(1);
});

test('concurrent growth of a member without a tier row yet counts each other', async () => {
  const m = await t.login('tier-race-norow');
  await checkout(t, staff.token, m.memberId, 280_000); // 2800 growth
  // Members from an import may have no tier row: the first growth creates and locks it.
  await t.ctx.db.tx((q) => q.exec('DELETE FROM member_tiers WHERE member_id = ?', [m.memberId]));
  // Two units of work at once, 100 growth each: together they cross silver (3000).
  const add = (key: string) =>
    t.ctx.db.tx((q) =>
      t.ctx.tiers.addGrowthIn(
        q,
        { key, memberId: m.memberId, delta: 100, source: 'purchase', label: 'race', storeId: null },
        t.clock.now(),
      ),
    );
  const results = await Promise.all([add('race-norow-a'), add('race-norow-b')]);
  expect(results.map((r) => r.applied)).toEqual([true, true]);
  expect(results.filter((r) => r.change)).toHaveLength(1);
  expect((await tierOf('tier-race-norow')).current.code).toBe('silver');
});

test('reconcile catches a stored tier below what the growth earns', async () => {
  const m = await t.login('tier-reconcile');
  await checkout(t, staff.token, m.memberId, 300_000); // silver
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  await t.ctx.db.tx((q) => q.exec("UPDATE member_tiers SET tier_code = 'normal' WHERE member_id = ?", [m.memberId]));
  const v = await checkInvariants(t.ctx.db);
  expect(v).toEqual([
    {
      invariant: 'tiers: stored tier never below the tier its growth earns',
      detail: expect.objectContaining({ stored: 'normal', earned: 'silver', growth: 3000 }),
    },
  ]);
  await t.ctx.db.tx((q) => q.exec("UPDATE member_tiers SET tier_code = 'silver' WHERE member_id = ?", [m.memberId]));
});
