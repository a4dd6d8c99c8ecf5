import { endpoints, type Endpoint } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count } from './checkout-helpers';

let t: TestServer;
let op: { token: string; staffId: number };
beforeAll(async () => {
  t = await startTestServer();
  // Members type their phone in these tests (by default it comes from WeChat's getPhoneNumber).
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'members.phoneTyping', true, t.clock.now()));
  op = await t.staffToken('operator');
});
afterAll(async () => {
  await t.close();
});

const admin = (method: string, path: string, body?: unknown, token = op.token) => t.http(method, path, { token, body });

test('every /api/admin endpoint refuses anonymous, member, staff and manager callers', async () => {
  const member = await t.login('adm-member');
  const staff = await t.staffToken('staff');
  const manager = await t.staffToken('manager');
  const adminEndpoints = Object.values(endpoints as Record<string, Endpoint>).filter((e) =>
    e.path.startsWith('/api/admin'),
  );
  expect(adminEndpoints.length).toBeGreaterThanOrEqual(12);
  for (const e of adminEndpoints) {
    expect(e.auth).toBe('operator');
    const path = e.path.replace(/:[a-z]+/g, '1');
    const body = e.method === 'get' ? undefined : {};
    expect([e.path, (await t.http(e.method.toUpperCase(), path, { body })).status]).toEqual([e.path, 401]);
    expect([e.path, (await t.http(e.method.toUpperCase(), path, { body, token: member.token })).status]).toEqual([
      e.path,
      401,
    ]);
    expect([e.path, (await t.http(e.method.toUpperCase(), path, { body, token: staff.token })).status]).toEqual([
      e.path,
      403,
    ]);
    expect([e.path, (await t.http(e.method.toUpperCase(), path, { body, token: manager.token })).status]).toEqual([
      e.path,
      403,
    ]);
  }
});

test('settings changes are validated and audited, and take effect for members', async () => {
  const list = await admin('GET', '/api/admin/settings');
  const tiers = list.body.items.find((i: { key: string }) => i.key === 'tiers.rules').value;
  const overlapping = structuredClone(tiers);
  overlapping.tiers[2].minGrowth = 3000;
  const bad = await admin('PUT', '/api/admin/settings', { key: 'tiers.rules', value: overlapping });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body.details)).toMatch(/increase strictly/);
  expect(
    (
      await admin('PUT', '/api/admin/settings', {
        key: 'checkout.caps',
        value: { perStaffDailyPoints: -1, perMemberDailyPoints: 0 },
      })
    ).status,
  ).toBe(400);
  expect((await admin('PUT', '/api/admin/settings', { key: 'no.such', value: 1 })).status).toBe(400);
  expect(await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'settings.update'")).toBe(0);

  const m = await t.login('adm-tier');
  const staff = await t.staffToken('staff');
  await checkout(t, staff.token, m.memberId, 200_000); // 2000 growth
  const lowered = structuredClone(tiers);
  lowered.tiers[1].minGrowth = 1500;
  const ok = await admin('PUT', '/api/admin/settings', { key: 'tiers.rules', value: lowered });
  expect(ok.status).toBe(200);
  expect(ok.body.previous.tiers[1].minGrowth).toBe(3000);
  const auditRow = await t.ctx.db.read((q) =>
    q.one<{ actor_id: number; before_json: string; after_json: string }>(
      "SELECT actor_id, before_json, after_json FROM audit_log WHERE action = 'settings.update' AND target_id = 'tiers.rules'",
    ),
  );
  expect(Number(auditRow!.actor_id)).toBe(op.staffId);
  expect(JSON.parse(auditRow!.before_json).tiers[1].minGrowth).toBe(3000);
  expect(JSON.parse(auditRow!.after_json).tiers[1].minGrowth).toBe(1500);
  const preview = await t.http('GET', '/api/me/tier', { token: m.token });
  expect(preview.body.tiers[1].minGrowth).toBe(1500);
  expect(preview.body.next).toMatchObject({ tier: { code: 'silver' } });
  // The stored tier changes at the next evaluation (or growth), by the rule.
  const ev = await t.ctx.db.tx((q) => t.ctx.tiers.evaluateIn(q, m.memberId, t.clock.now()));
  expect(ev).toMatchObject({ action: 'upgrade', to: 'silver' });
  await admin('PUT', '/api/admin/settings', { key: 'tiers.rules', value: tiers });
});

test('simulation answers without writing anything', async () => {
  const m = await t.login('adm-sim');
  const tables = ['points_entries', 'orders', 'growth_entries', 'audit_log', 'outbox', 'member_code_uses'];
  const before = await Promise.all(tables.map((x) => count(t, `SELECT COUNT(*) AS n FROM ${x}`)));
  const sim = await admin('POST', '/api/admin/simulate', { memberId: String(m.memberId), amountCents: 650_000 });
  expect(sim.status).toBe(200);
  expect(sim.body).toMatchObject({
    points: 6500,
    growth: 6500,
    tierBefore: 'normal',
    tierAfter: 'gold',
    excluded: false,
  });
  const draft = await admin('POST', '/api/admin/simulate', {
    tierCode: 'gold',
    amountCents: 10_000,
    rules: { earning: { centsPerPoint: 50, multipliers: [] } },
  });
  expect(draft.body.lines).toEqual([
    { code: 'base', points: 200 },
    { code: 'tier', points: 100 },
  ]);
  expect((await admin('POST', '/api/admin/simulate', { tierCode: 'nope', amountCents: 100 })).status).toBe(400);
  expect((await admin('POST', '/api/admin/simulate', { amountCents: 0 })).status).toBe(400);
  const after = await Promise.all(tables.map((x) => count(t, `SELECT COUNT(*) AS n FROM ${x}`)));
  expect(after).toEqual(before);
});

test('stores and staff: create, log in, disable ends sessions, password reset', async () => {
  const store = await admin('POST', '/api/admin/stores', { code: 'GZ-001', name: '广州天河店' });
  expect(store.status).toBe(201);
  const dup = await admin('POST', '/api/admin/stores', { code: 'GZ-001', name: 'dup' });
  expect([dup.status, dup.body.code]).toEqual([409, 'STORE_CODE_TAKEN']);
  const created = await admin('POST', '/api/admin/staff', {
    username: 'gz.wang',
    password: 'secret-pass-1',
    displayName: '王',
    role: 'staff',
    storeId: store.body.id,
  });
  expect(created.status).toBe(201);
  const taken = await admin('POST', '/api/admin/staff', {
    username: 'gz.wang',
    password: 'secret-pass-2',
    displayName: '另一个王',
    role: 'operator',
  });
  expect([taken.status, taken.body.code]).toEqual([409, 'USERNAME_TAKEN']);
  expect(JSON.stringify(created.body)).not.toContain('secret-pass-1');
  expect(
    JSON.stringify(await t.ctx.db.read((q) => q.all("SELECT after_json FROM audit_log WHERE action = 'staff.create'"))),
  ).not.toContain('secret-pass-1');
  expect(
    (
      await admin('POST', '/api/admin/staff', {
        username: 'gz.li',
        password: 'secret-pass-1',
        displayName: '李',
        role: 'staff',
      })
    ).status,
  ).toBe(400);
  const login = await t.http('POST', '/api/staff/login', { body: { username: 'gz.wang', password: 'secret-pass-1' } });
  expect(login.status).toBe(200);
  const m = await t.login('adm-staff-member');
  const lookup = () =>
    codeFor(t, m.memberId).then((code) =>
      t.http('GET', `/api/staff/members/lookup?code=${code}`, { token: login.body.token }),
    );
  expect((await lookup()).status).toBe(200);
  const reset = await admin('POST', `/api/admin/staff/${created.body.id}/password`, { password: 'another-pass-2' });
  expect(reset.status).toBe(200);
  expect((await lookup()).status).toBe(401);
  const again = await t.http('POST', '/api/staff/login', { body: { username: 'gz.wang', password: 'another-pass-2' } });
  expect(again.status).toBe(200);
  expect((await admin('PATCH', `/api/admin/staff/${created.body.id}`, { status: 'disabled' })).status).toBe(200);
  expect(
    (await t.http('GET', `/api/staff/members/lookup?code=${await codeFor(t, m.memberId)}`, { token: again.body.token }))
      .status,
  ).toBe(401);
  expect(
    (await t.http('POST', '/api/staff/login', { body: { username: 'gz.wang', password: 'another-pass-2' } })).status,
  ).toBe(401);
  expect((await admin('PATCH', '/api/admin/staff/999999', { status: 'disabled' })).status).toBe(404);
  expect((await admin('PATCH', '/api/admin/staff/abc', { status: 'disabled' })).status).toBe(400);
});

test('member search by phone, code and id shows masked data only', async () => {
  const m = await t.login('adm-search');
  await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: '张小明', phone: '13812345678', privacyConsentVersion: 'v1' },
  });
  for (const query of ['phone=138%201234%205678', `code=${await codeFor(t, m.memberId)}`, `id=${m.memberId}`]) {
    const res = await admin('GET', `/api/admin/members?${query}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ id: String(m.memberId), maskedPhone: '138****5678' });
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
    expect(JSON.stringify(res.body)).not.toContain('张小明');
  }
  expect((await admin('GET', '/api/admin/members?phone=13900000000')).body.items).toEqual([]);
  expect((await admin('GET', '/api/admin/members')).status).toBe(400);
  expect((await admin('GET', `/api/admin/members?id=1&phone=13812345678`)).status).toBe(400);
});
