import { businessDate, DEFAULT_CHURN_RULES, type ChurnRules } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { runChurn } from '../src/modules/insights/churn';

/** A churn stage's gift naming a gift rule (trigger churn): one grant per stage and quiet episode, given by the worker. */
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

const at = (iso: string) => t.clock.set(iso);
const today = () => businessDate(t.clock.now(), 'Asia/Shanghai');
const run = () =>
  runChurn(t.ctx, { now: t.clock.now(), date: today(), resumeFrom: null, checkpoint: async () => undefined });
const setChurn = (rules: ChurnRules) =>
  t.ctx.db.tx((q) => t.ctx.settings.set(q, 'insights.churn', rules, t.clock.now()));
const grantsOf = (memberId: number) =>
  t.ctx.db.read((q) =>
    q.all<{ occurrence: string; status: string; trigger_kind: string }>(
      'SELECT occurrence, status, trigger_kind FROM gift_grants WHERE member_id = ? ORDER BY id',
      [memberId],
    ),
  );

test('a stage naming a churn gift rule writes one grant per episode, even when runs race; the worker gives it', async () => {
  at('2026-12-01T02:00:00Z');
  const op = (await t.staffToken('operator')).token;
  const b = await t.http('POST', '/api/admin/benefits', {
    token: op,
    body: { title: '回归礼券', costPoints: 0, stock: 10, validDays: 7 },
  });
  const rule = await t.http('POST', '/api/admin/gift-rules', {
    token: op,
    body: { name: '回归礼', trigger: 'churn', points: 50, vouchers: [{ benefitId: b.body.id, count: 1 }] },
  });
  expect(rule.status).toBe(201);
  await setChurn({
    ...DEFAULT_CHURN_RULES,
    stages: DEFAULT_CHURN_RULES.stages.map((s) => (s.code === 'L2' ? { ...s, giftRuleId: rule.body.id } : s)),
  });
  const m = await t.login('cg-rule');

  at('2026-12-10T02:00:00Z'); // 9 quiet days: L2
  await Promise.all([run(), run(), run()]);
  await run();
  expect(await grantsOf(m.memberId)).toEqual([
    { occurrence: 'L2:2026-12-01', status: 'pending', trigger_kind: 'churn' },
  ]);
  const detail = await t.ctx.db.read((q) =>
    q.one<{ detail: string }>("SELECT detail FROM churn_entries WHERE member_id = ? AND stage = 'L2'", [m.memberId]),
  );
  expect(detail!.detail).toBe(`gift_rule:${rule.body.id}`);
  await Promise.all([t.ctx.gifts.drain(), t.ctx.gifts.drain()]);
  expect((await grantsOf(m.memberId)).map((g) => g.status)).toEqual(['granted']);
  expect(
    await count(t, "SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE member_id = ? AND reason = 'gift'", [
      m.memberId,
    ]),
  ).toBe(50);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ?', [m.memberId])).toBe(1);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND kind = 'gift_granted'", [m.memberId]),
  ).toBe(1);
});

test('a rule of another trigger is not given for churn: the stage voucher is', async () => {
  at('2027-03-01T02:00:00Z');
  const op = (await t.staffToken('operator')).token;
  const b = await t.http('POST', '/api/admin/benefits', {
    token: op,
    body: { title: '回归券', costPoints: 0, stock: 10, validDays: 7 },
  });
  const joinRule = await t.http('POST', '/api/admin/gift-rules', {
    token: op,
    body: { name: 'join', trigger: 'join', points: 5, vouchers: [] },
  });
  await setChurn({
    ...DEFAULT_CHURN_RULES,
    stages: DEFAULT_CHURN_RULES.stages.map((s) =>
      s.code === 'L2' ? { ...s, giftRuleId: joinRule.body.id, benefitId: b.body.id } : s,
    ),
  });
  const m = await t.login('cg-fallback');
  at('2027-03-10T02:00:00Z');
  await run();
  expect((await grantsOf(m.memberId)).filter((g) => g.trigger_kind === 'churn')).toEqual([]);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ?', [m.memberId])).toBe(1);
});
