import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';
import { monthlyPackJob } from '../src/modules/gifts/jobs';
import type { JobContext } from '../src/jobs/runner';

let t: TestServer;
let op: string;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  await t.ctx.db.tx((q) => q.exec("UPDATE gift_rules SET status = 'disabled'"));
  t.ctx.gifts.forgetRules();
});

const at = async (iso: string) => {
  (t.clock as unknown as { t: Date }).t = new Date(iso);
  op = (await t.staffToken('operator')).token;
};
const benefit = async (stock: number) => {
  const res = await t.http('POST', '/api/admin/benefits', {
    token: op,
    body: { title: `月度礼券${stock}`, costPoints: 0, stock, validDays: 30 },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const rule = async (body: Record<string, unknown>) => {
  const res = await t.http('POST', '/api/admin/gift-rules', { token: op, body: { name: 'pack', ...body } });
  expect(res.status).toBe(201);
  return res.body as { id: string };
};
const grants = async (q: Record<string, string>) =>
  (await t.http('GET', `/api/admin/gift-grants?${new URLSearchParams({ limit: '100', ...q })}`, { token: op })).body
    .items as {
    status: string;
    memberId: string;
    occurrence: string;
    vouchers: { given: number; skipped: string | null }[];
  }[];
const vouchersOf = (memberId: number, benefitId: string) =>
  count(t, "SELECT COUNT(*) AS n FROM vouchers WHERE member_id = ? AND benefit_id = ? AND status <> 'cancelled'", [
    memberId,
    Number(benefitId),
  ]);
const growth = (memberId: number, delta: number, key: string) =>
  t.ctx.db.tx((q) =>
    t.ctx.tiers.addGrowthIn(q, { key, memberId, delta, source: 'adjust', label: 'test' }, t.clock.now()),
  );

const runJob = async (name: string) => {
  const res = await t.http('POST', `/api/admin/jobs/${name}/run`, { token: op });
  expect(res.status).toBe(200);
  return res.body;
};

test('monthly pack: run twice, and twice at once, one pack per member per month', async () => {
  await at('2027-03-01T00:00:00Z'); // 08:00 on the 1st in Shanghai
  const b = await benefit(100);
  const r = await rule({ trigger: 'monthly_pack', tierCode: 'gold', vouchers: [{ benefitId: b, count: 2 }] });
  const members = [];
  for (let i = 0; i < 3; i++) {
    const m = await t.login(`gift-pack-${i}`);
    if (i < 2) await growth(m.memberId, 7000, `g-pack-${i}`);
    members.push(m);
  }
  const first = await runJob('gift_monthly_pack');
  // Gold members of earlier tests get theirs too.
  expect(first.detail).toMatchObject({ month: '2027-03', partial: 0, skipped: 0 });
  expect(first.detail.granted).toBeGreaterThanOrEqual(2);
  expect((await runJob('gift_monthly_pack')).detail).toMatchObject({ granted: 0 });
  // Two bodies at once (as if two instances had no lease between them): the grant key still gives once.
  const ctx = (): JobContext => ({
    now: t.clock.now(),
    date: '2027-03-01',
    resumeFrom: null,
    scheduled: false,
    checkpoint: async () => undefined,
    signal: new AbortController().signal,
    stillOwner: () => true,
  });
  const job = monthlyPackJob(t.ctx);
  await Promise.all([job.run(ctx()), job.run(ctx())]);
  // And two runs by hand at once: the job lease lets one run.
  const both = await Promise.all(
    [0, 1].map(() => t.http('POST', '/api/admin/jobs/gift_monthly_pack/run', { token: op })),
  );
  expect(both.some((x) => x.status === 200)).toBe(true);
  expect(await vouchersOf(members[0].memberId, b)).toBe(2);
  expect(await vouchersOf(members[1].memberId, b)).toBe(2);
  expect(await vouchersOf(members[2].memberId, b)).toBe(0);
  const mine = (g: { memberId: string }) => members.some((m) => String(m.memberId) === g.memberId);
  expect((await grants({ ruleId: r.id })).filter(mine)).toHaveLength(2);
  // The scheduler gives nothing on other days; next month's 1st gives a new pack.
  await at('2027-03-02T00:00:00Z');
  await t.ctx.jobs.tick();
  await at('2027-04-01T00:00:00Z');
  await t.ctx.jobs.tick();
  await t.ctx.jobs.tick();
  expect(await vouchersOf(members[0].memberId, b)).toBe(4);
  expect(
    (await grants({ ruleId: r.id, limit: '100' }))
      .filter(mine)
      .map((g) => g.occurrence)
      .sort(),
  ).toEqual(['2027-03', '2027-03', '2027-04', '2027-04']);
});

test('a pack that runs out of stock: the job ends, members without vouchers are recorded as skipped or partial', async () => {
  await at('2027-05-01T00:00:00Z');
  const b = await benefit(3);
  const r = await rule({
    trigger: 'monthly_pack',
    tierCode: 'silver',
    points: 10,
    vouchers: [{ benefitId: b, count: 2 }],
  });
  const members = [];
  for (let i = 0; i < 3; i++) {
    const m = await t.login(`gift-short-${i}`);
    await growth(m.memberId, 3500, `g-short-${i}`);
    members.push(m);
  }
  const run = await runJob('gift_monthly_pack');
  expect(run.status).toBe('done');
  // 3 vouchers for 3 members of 2 each: one whole pack, one with one voucher, one with the points only.
  expect(run.detail).toMatchObject({ granted: 1, partial: 2, skipped: 0 });
  const given = await Promise.all(members.map((m) => vouchersOf(m.memberId, b)));
  expect([...given].sort()).toEqual([0, 1, 2]);
  const rows = await grants({ ruleId: r.id });
  expect(rows.filter((g) => g.status === 'partial').map((g) => g.vouchers[0].skipped)).toEqual([
    'out_of_stock',
    'out_of_stock',
  ]);
  // Not retried: a second run gives nothing more, even after a top-up.
  await t.http('POST', `/api/admin/benefits/${b}/stock`, { token: op, body: { add: 10 } });
  expect((await runJob('gift_monthly_pack')).detail).toMatchObject({ granted: 0, partial: 0 });
  expect(await Promise.all(members.map((m) => vouchersOf(m.memberId, b)))).toEqual(given);
});
