import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count, nextOrderNo } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

let t: TestServer;
let op: string;
let staff: { token: string; staffId: number };
beforeAll(async () => {
  t = await startTestServer();
});
// Tokens expire when the clock jumps: fresh ones for every test.
beforeEach(async () => {
  op = (await t.staffToken('operator')).token;
  staff = await t.staffToken('staff');
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  // Each test's rules apply to that test only.
  await t.ctx.db.tx((q) => q.exec("UPDATE gift_rules SET status = 'disabled'"));
  t.ctx.gifts.forgetRules();
});

const at = async (iso: string) => {
  (t.clock as unknown as { t: Date }).t = new Date(iso);
  op = (await t.staffToken('operator')).token;
  staff = await t.staffToken('staff');
};
const benefit = async (stock: number, extra: Record<string, unknown> = {}) => {
  const res = await t.http('POST', '/api/admin/benefits', {
    token: op,
    body: { title: `礼券${stock}`, costPoints: 0, stock, validDays: 30, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const rule = async (body: Record<string, unknown>) => {
  const res = await t.http('POST', '/api/admin/gift-rules', { token: op, body: { name: 'r', ...body } });
  expect(res.status).toBe(201);
  return res.body as { id: string };
};
const grants = async (q: Record<string, string>) =>
  (await t.http('GET', `/api/admin/gift-grants?${new URLSearchParams(q)}`, { token: op })).body.items as {
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
const giftPoints = (memberId: number) =>
  count(t, "SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE member_id = ? AND reason = 'gift'", [
    memberId,
  ]);
const growth = (memberId: number, delta: number, key: string) =>
  t.ctx.db.tx((q) =>
    t.ctx.tiers.addGrowthIn(q, { key, memberId, delta, source: 'adjust', label: 'test' }, t.clock.now()),
  );

test('concurrent first logins register once and the join gift is given once', async () => {
  const b = await benefit(10);
  const r = await rule({ trigger: 'join', points: 20, vouchers: [{ benefitId: b, count: 1 }] });
  const logins = await Promise.all(
    Array.from({ length: 6 }, (_, i) => t.http('POST', '/api/auth/login', { body: { code: `gift-join:${i}` } })),
  );
  expect(logins.every((l) => l.status === 200)).toBe(true);
  const memberId = Number(logins[0].body.memberId);
  expect(new Set(logins.map((l) => l.body.memberId)).size).toBe(1);
  // Pending until the worker gives it; two drains at once give it once.
  expect((await grants({ ruleId: r.id }))[0]).toMatchObject({ status: 'pending' });
  await Promise.all([t.ctx.gifts.drain(), t.ctx.gifts.drain()]);
  await t.ctx.gifts.drain();
  expect(await grants({ ruleId: r.id })).toEqual([expect.objectContaining({ status: 'granted' })]);
  expect(await giftPoints(memberId)).toBe(20);
  expect(await vouchersOf(memberId, b)).toBe(1);
  // The member's data export shows the grant.
  const exported = await t.http('GET', '/api/me/export', { token: logins[0].body.token });
  expect(exported.body.gifts).toEqual([expect.objectContaining({ status: 'granted' })]);
  expect(String(exported.body.gifts[0].rule_id)).toBe(r.id);
});

test('two first orders racing at once give the first-order gift once', async () => {
  const b = await benefit(10);
  const r = await rule({ trigger: 'first_order', points: 50, vouchers: [{ benefitId: b, count: 1 }] });
  const m = await t.login('gift-first');
  t.clock.advance(60_000);
  const now = t.clock.now();
  const codes = [await codeFor(t, m.memberId, new Date(now.getTime() - 30_000)), await codeFor(t, m.memberId, now)];
  const res = await Promise.all(
    codes.map((memberCode) =>
      t.http('POST', '/api/staff/checkout', {
        token: staff.token,
        body: { memberCode, orderNo: nextOrderNo(), amountCents: 5000 },
      }),
    ),
  );
  expect(res.map((x) => x.status)).toEqual([200, 200]);
  // A later order is not a first order.
  expect((await checkout(t, staff.token, m.memberId, 5000)).status).toBe(200);
  await t.ctx.gifts.drain();
  expect(await grants({ ruleId: r.id })).toEqual([expect.objectContaining({ status: 'granted', occurrence: 'once' })]);
  expect(await giftPoints(m.memberId)).toBe(50);
  expect(await vouchersOf(m.memberId, b)).toBe(1);
});

test('out of stock: the order succeeds, the gift is recorded as skipped and not retried', async () => {
  const b = await benefit(1);
  const r = await rule({ trigger: 'first_order', vouchers: [{ benefitId: b, count: 1 }] });
  const m1 = await t.login('gift-stock-1');
  const m2 = await t.login('gift-stock-2');
  expect((await checkout(t, staff.token, m1.memberId, 3000)).status).toBe(200);
  expect((await checkout(t, staff.token, m2.memberId, 3000)).status).toBe(200);
  expect(await t.ctx.gifts.drain()).toMatchObject({ claimed: 2, granted: 1, skipped: 1 });
  expect(await t.ctx.gifts.drain()).toMatchObject({ claimed: 0 });
  const skipped = await grants({ ruleId: r.id, status: 'skipped' });
  expect(skipped).toEqual([
    expect.objectContaining({ vouchers: [{ benefitId: b, count: 1, given: 0, skipped: 'out_of_stock' }] }),
  ]);
  expect((await vouchersOf(m1.memberId, b)) + (await vouchersOf(m2.memberId, b))).toBe(1);
  const list = (await t.http('GET', '/api/admin/gift-rules', { token: op })).body.items;
  expect(list.find((x: { id: string }) => x.id === r.id).grants).toEqual({
    pending: 0,
    granted: 1,
    partial: 0,
    skipped: 1,
  });
});

test('tier reached gives once per tier, even after a downgrade and a re-upgrade', async () => {
  const r = await rule({ trigger: 'tier_reached', tierCode: 'silver', points: 30 });
  const gold = await rule({ trigger: 'tier_reached', tierCode: 'gold', points: 70 });
  const m = await t.login('gift-tier');
  expect((await growth(m.memberId, 3500, 'g-tier-1')).change).toEqual({ from: 'normal', to: 'silver' });
  await t.ctx.gifts.drain();
  expect(await giftPoints(m.memberId)).toBe(30);
  // Down: growth gone, grace, then evaluation after it.
  await growth(m.memberId, -3500, 'g-tier-2');
  await t.ctx.db.tx((q) => t.ctx.tiers.evaluateIn(q, m.memberId, t.clock.now()));
  t.clock.advance(31 * 86_400_000);
  op = (await t.staffToken('operator')).token;
  const down = await t.ctx.db.tx((q) => t.ctx.tiers.evaluateIn(q, m.memberId, t.clock.now()));
  expect(down.action).toBe('downgrade');
  // Up again, and straight past silver to gold: silver gives nothing again, gold once.
  expect((await growth(m.memberId, 7000, 'g-tier-3')).change).toEqual({ from: 'normal', to: 'gold' });
  await t.ctx.gifts.drain();
  expect(await giftPoints(m.memberId)).toBe(100);
  expect(await grants({ ruleId: r.id })).toHaveLength(1);
  expect(await grants({ ruleId: gold.id })).toEqual([
    expect.objectContaining({ occurrence: 'gold', status: 'granted' }),
  ]);
});

const runJob = async (name: string) => {
  const res = await t.http('POST', `/api/admin/jobs/${name}/run`, { token: op });
  expect(res.status).toBe(200);
  return res.body;
};

test('birthday: the tier points as before plus the birthday rules, once a year', async () => {
  await at('2027-06-10T02:00:00Z');
  const b = await benefit(5, { status: undefined });
  const r = await rule({ trigger: 'birthday', vouchers: [{ benefitId: b, count: 1 }] });
  const res = await t.http('POST', '/api/auth/login', { body: { code: 'gift-bday:1' } });
  const memberId = Number(res.body.memberId);
  // Straight in the row: how a member sets it (consent, once only) is the members module's to test.
  await t.ctx.db.tx((q) =>
    q.exec("UPDATE members SET birthday = '1991-06-10', birthday_md = '06-10' WHERE id = ?", [memberId]),
  );
  expect((await runJob('birthday')).detail).toMatchObject({ gifted: 1, grants: 2 });
  expect((await runJob('birthday')).detail).toMatchObject({ gifted: 0, grants: 0 });
  expect(await vouchersOf(memberId, b)).toBe(1);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = 'birthday_gift'", [
      memberId,
    ]),
  ).toBe(1);
  expect(await grants({ memberId: String(memberId) })).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ occurrence: '2027', status: 'granted' }),
      expect.objectContaining({ occurrence: '2027', status: 'granted' }),
    ]),
  );
  expect(await grants({ ruleId: r.id })).toHaveLength(1);
});

test('rules: validated, audited; a disabled rule gives nothing', async () => {
  const bad = await t.http('POST', '/api/admin/gift-rules', {
    token: op,
    body: { name: 'no tier', trigger: 'monthly_pack', points: 5 },
  });
  expect(bad.status).toBe(400);
  const empty = await t.http('POST', '/api/admin/gift-rules', { token: op, body: { name: 'x', trigger: 'join' } });
  expect(empty.status).toBe(400);
  const missing = await t.http('POST', '/api/admin/gift-rules', {
    token: op,
    body: { name: 'x', trigger: 'join', vouchers: [{ benefitId: '999999', count: 1 }] },
  });
  expect(missing.body.code).toBe('BENEFIT_NOT_FOUND');
  expect(
    (await t.http('PATCH', '/api/admin/gift-rules/999999', { token: op, body: { enabled: false } })).body.code,
  ).toBe('GIFT_RULE_NOT_FOUND');
  const r = await rule({ trigger: 'join', points: 9 });
  const off = await t.http('PATCH', `/api/admin/gift-rules/${r.id}`, { token: op, body: { enabled: false } });
  expect(off.body).toMatchObject({ enabled: false, points: 9 });
  const m = await t.login('gift-disabled');
  await t.ctx.gifts.drain();
  expect(await giftPoints(m.memberId)).toBe(0);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE target_type = 'gift_rule' AND target_id = ?", [r.id]),
  ).toBe(2);
  const staffOnly = await t.http('GET', '/api/admin/gift-rules', { token: staff.token });
  expect(staffOnly.status).toBe(403);
});

test('the simulation lists the gift rules a purchase would give, and leaves out what the member already had', async () => {
  const first = await rule({ trigger: 'first_order', points: 5 });
  const silver = await rule({ trigger: 'tier_reached', tierCode: 'silver', points: 8 });
  const m = await t.login('gift-sim');
  const simulate = async (amountCents: number) => {
    const res = await t.http('POST', '/api/admin/simulate', {
      token: op,
      body: { amountCents, memberId: String(m.memberId) },
    });
    expect(res.status).toBe(200);
    return (res.body.gifts as { ruleId: string }[]).map((g) => g.ruleId);
  };
  expect(await simulate(1000)).toEqual([first.id]);
  expect(await simulate(400_000)).toEqual([first.id, silver.id]);
  expect((await checkout(t, staff.token, m.memberId, 1000)).status).toBe(200);
  expect(await simulate(400_000)).toEqual([silver.id]);
  // Nothing was written by the simulation.
  expect(await grants({ ruleId: silver.id })).toEqual([]);
});
