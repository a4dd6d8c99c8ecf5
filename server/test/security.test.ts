import jwt from 'jsonwebtoken';
import { endpoints, type Endpoint } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count } from './checkout-helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { LOGIN_RATE_PER_MINUTE: '1000', WECHAT_TIMEOUT_MS: '1000' } });
  // Members type their phone in these tests (by default it comes from WeChat's getPhoneNumber).
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'members.phoneTyping', true, t.clock.now()));
});
afterAll(async () => {
  await t.close();
});

const SECRET = () => t.ctx.config.tokens.secret;
const me = (token: string) => t.http('GET', '/api/me', { token });

test('token tampering: alg none, wrong signature, other audience, expired, edited payload', async () => {
  const m = await t.login('sec-tokens');
  const other = await t.login('sec-tokens-other');
  const [h, p, s] = m.token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
  const forged = jwt.sign({ ...payload, sub: String(other.memberId) }, 'not-the-secret-but-long-enough-0123456789');
  const edited = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: String(other.memberId) })).toString('base64url')}.${s}`;
  const staffAudience = jwt.sign({ sub: String(m.memberId), ver: 0, role: 'operator', store: null }, SECRET(), {
    audience: 'staff',
    issuer: 'huiyuan',
    expiresIn: 600,
  });
  const staffAsMember = await t.http('GET', '/api/admin/settings', {
    token: jwt.sign({ sub: String(m.memberId), ver: 0 }, SECRET(), {
      audience: 'member',
      issuer: 'huiyuan',
      expiresIn: 600,
    }),
  });
  for (const bad of [none, forged, edited, `${m.token}x`, 'garbage.garbage.garbage']) {
    const r = await me(bad);
    expect([r.status, r.body.code]).toEqual([401, 'TOKEN_INVALID']);
  }
  expect((await t.http('GET', '/api/admin/settings', { token: staffAudience })).status).toBe(401); // no such staff row
  expect(staffAsMember.status).toBe(401);
  expect((await me('')).body.code).toBe('UNAUTHENTICATED');
  // Expired by the server's clock (the tests run on a manual clock).
  const nowS = Math.floor(t.clock.now().getTime() / 1000);
  const expired = jwt.sign({ sub: String(m.memberId), ver: 0, iat: nowS - 100, exp: nowS - 10 }, SECRET(), {
    audience: 'member',
    issuer: 'huiyuan',
  });
  expect((await me(expired)).body.code).toBe('TOKEN_EXPIRED');
  expect((await me(m.token)).status).toBe(200);
});

test("object-level access: ids of other members' vouchers and messages are not found", async () => {
  const a = await t.login('sec-ola-a');
  const b = await t.login('sec-ola-b');
  const op = await t.staffToken('operator');
  const bn = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { title: '免费券', costPoints: 0, stock: 3, validDays: 5 },
  });
  const v = await t.http('POST', '/api/me/redemptions', {
    token: a.token,
    headers: { 'idempotency-key': 'sec-ola-v1' },
    body: { benefitId: bn.body.id },
  });
  expect((await t.http('POST', `/api/me/vouchers/${v.body.voucher.id}/cancel`, { token: b.token })).body.code).toBe(
    'VOUCHER_NOT_FOUND',
  );
  const bVouchers = await t.http('GET', '/api/me/vouchers', { token: b.token });
  expect(bVouchers.body.items).toEqual([]);
  expect(JSON.stringify((await t.http('GET', '/api/me/export', { token: b.token })).body)).not.toContain(
    v.body.voucher.code,
  );
});

test('mass assignment and malformed input are refused with nothing changed', async () => {
  const m = await t.login('sec-mass');
  for (const body of [
    { points: 99999 },
    { tier: 'gold' },
    { balance: 1 },
    { id: '1' },
    { nickname: 'x', status: 'deleted' },
    {},
  ]) {
    const r = await t.http('PATCH', '/api/me', { token: m.token, body });
    expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), 400]);
  }
  expect(
    (
      await t.http('PATCH', '/api/me', {
        token: m.token,
        raw: '{"nickname": "a",',
        headers: { 'content-type': 'application/json' },
      })
    ).body.code,
  ).toBe('MALFORMED_BODY');
  expect(
    (
      await t.http('PATCH', '/api/me', {
        token: m.token,
        raw: 'nickname=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).status,
  ).toBe(415);
  expect(
    (
      await t.http('PATCH', '/api/me', {
        token: m.token,
        raw: JSON.stringify({ nickname: 'x'.repeat(100_000) }),
        headers: { 'content-type': 'application/json' },
      })
    ).status,
  ).toBe(413);
  expect(
    (
      await t.http('PATCH', '/api/me', {
        token: m.token,
        raw: '{"__proto__": {"admin": true}, "nickname": "p"}',
        headers: { 'content-type': 'application/json' },
      })
    ).status,
  ).toBe(400);
  expect((await me(m.token)).body).toMatchObject({ nickname: null });
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(0);
});

test('member codes cannot be replayed; login is rate limited', async () => {
  const m = await t.login('sec-replay');
  const staff = await t.staffToken('staff');
  expect((await checkout(t, staff.token, m.memberId, 1000, 'SEC-R-1')).status).toBe(200);
  const code = await codeFor(t, m.memberId);
  const again = await t.http('POST', '/api/staff/checkout', {
    token: staff.token,
    body: { memberCode: code, orderNo: 'SEC-R-2', amountCents: 1000 },
  });
  expect(again.body.code).toBe('MEMBER_CODE_REPLAYED');
  const limited = await startTestServer({ env: { LOGIN_RATE_PER_MINUTE: '5' } });
  try {
    const statuses = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await limited.http('POST', '/api/auth/login', { body: { code: `rl-${i}:1` } })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const refused = await limited.http('POST', '/api/auth/login', { body: { code: 'rl-x:1' } });
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
    expect(refused.body.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.body.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(limited.fake.issuedSessionKeys).toHaveLength(5); // refused logins never reach WeChat
    const text = [...limited.logs, ...limited.responses].join('\n');
    for (const key of limited.fake.issuedSessionKeys) expect(text).not.toContain(key);
  } finally {
    await limited.close();
  }
});

test('export returns everything about me; deletion erases personal data, keeps the ledger, ends sessions', async () => {
  const m = await t.login('sec-privacy');
  await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: '王小明', birthday: '1990-01-02', phone: '13700001234', privacyConsentVersion: 'v1' },
  });
  const staff = await t.staffToken('staff');
  await checkout(t, staff.token, m.memberId, 5000);
  const ex = await t.http('GET', '/api/me/export', { token: m.token });
  expect(ex.status).toBe(200);
  expect(ex.body.profile).toMatchObject({ nickname: '王小明', birthday: '1990-01-02', phone: '13700001234' });
  expect(ex.body.points.entries).toHaveLength(1);
  expect(ex.body.orders).toHaveLength(1);
  expect((await t.http('POST', '/api/me/delete', { token: m.token, body: {} })).status).toBe(400);
  expect((await t.http('POST', '/api/me/delete', { token: m.token, body: { confirm: 'DELETE' } })).status).toBe(200);
  expect((await me(m.token)).status).toBe(401);
  const row = await t.ctx.db.read((q) =>
    q.one<Record<string, unknown>>('SELECT * FROM members WHERE id = ?', [m.memberId]),
  );
  expect(row).toMatchObject({
    nickname: null,
    birthday: null,
    phone_enc: null,
    phone_hmac: null,
    unionid: null,
    status: 'deleted',
  });
  expect(String(row!.openid)).toMatch(/^deleted:/);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(1);
  const back = await t.login('sec-privacy');
  expect(back.memberId).not.toBe(m.memberId);
});

test('account reads that go to the database together still answer each member alone, and a closed account stops at once', async () => {
  const ms = await Promise.all(Array.from({ length: 12 }, (_, i) => t.login(`sec-batch-${i}`)));
  const gone = ms[5];
  expect((await t.http('POST', '/api/me/delete', { token: gone.token, body: { confirm: 'DELETE' } })).status).toBe(200);
  // Concurrent calls share one account read: each gets its own profile; the closed one gets 401, the rest are unaffected.
  const rs = await Promise.all(ms.flatMap((m) => [me(m.token), me(m.token)]));
  rs.forEach((r, i) => {
    const m = ms[Math.floor(i / 2)];
    if (m === gone) expect([r.status, r.body.code]).toEqual([401, 'TOKEN_INVALID']);
    else expect([r.status, r.body.id]).toEqual([200, String(m.memberId)]);
  });
  // A token whose subject is not a member id is refused without touching the database.
  const odd = jwt.sign({ sub: '1e3', ver: 0 }, SECRET(), { audience: 'member', issuer: 'huiyuan', expiresIn: 600 });
  expect((await me(odd)).body.code).toBe('TOKEN_INVALID');
});

test('a member token acts only on its own member: ids in query, body or headers are ignored or refused', async () => {
  const a = await t.login('sec-iso-a');
  const b = await t.login('sec-iso-b');
  const op = await t.staffToken('operator');
  await t.http('POST', '/api/admin/points/adjustments', {
    token: op.token,
    body: { memberId: String(b.memberId), delta: 77, reason: 'b only', idempotencyKey: 'sec-iso-b-01' },
  });
  await t.http('PATCH', '/api/me', { token: b.token, body: { nickname: 'Bee', privacyConsentVersion: 'v1' } });
  const bRow = await t.ctx.db.read((q) => q.one('SELECT * FROM members WHERE id = ?', [b.memberId]));
  const asA = { token: a.token, headers: { 'x-member-id': String(b.memberId), 'x-user-id': String(b.memberId) } };
  expect((await t.http('GET', `/api/me?memberId=${b.memberId}&id=${b.memberId}`, asA)).body).toMatchObject({
    id: String(a.memberId),
    nickname: null,
  });
  expect((await t.http('GET', `/api/me/points?memberId=${b.memberId}`, asA)).body.balance).toBe(0);
  expect((await t.http('GET', '/api/me/points/entries', asA)).body.items).toEqual([]);
  expect((await t.http('GET', `/api/me/points/entries?memberId=${b.memberId}`, asA)).status).toBe(400);
  for (const body of [
    { nickname: 'A', id: String(b.memberId) },
    { nickname: 'A', memberId: String(b.memberId) },
  ]) {
    expect((await t.http('PATCH', '/api/me', { ...asA, body })).status).toBe(400);
  }
  const patched = await t.http('PATCH', `/api/me?memberId=${b.memberId}`, {
    ...asA,
    body: { nickname: 'Ay', privacyConsentVersion: 'v1' },
  });
  expect(patched.body).toMatchObject({ id: String(a.memberId), nickname: 'Ay' });
  expect(await t.ctx.db.read((q) => q.one('SELECT * FROM members WHERE id = ?', [b.memberId]))).toEqual(bRow);
  expect((await me(b.token)).body).toMatchObject({ id: String(b.memberId), nickname: 'Bee' });
  expect((await t.http('GET', '/api/me/points', { token: b.token })).body.balance).toBe(77);
});

const sample = (p: string) => p.replace(/:id\b/g, '1').replace(/:([A-Za-z]+)/g, 'x');
const protectedEndpoints = Object.entries(endpoints as Record<string, Endpoint>).filter(([, e]) => e.auth !== 'none');

test('every protected endpoint: no token 401, the other audience 401, staff on operator endpoints 403; nothing written', async () => {
  const m = await t.login('sec-aud');
  const op = await t.staffToken('operator');
  const staff = await t.staffToken('staff');
  const manager = await t.staffToken('manager');
  const snapshot = () =>
    Promise.all(
      ['points_entries', 'audit_log', 'vouchers', 'stores', 'staff_accounts', 'app_config', 'job_runs']
        .map((tbl) => count(t, `SELECT COUNT(*) AS n FROM ${tbl}`))
        .concat([count(t, "SELECT COUNT(*) AS n FROM members WHERE status = 'active'")]),
    );
  const before = await snapshot();
  expect(protectedEndpoints.length).toBeGreaterThan(50);
  for (const [name, e] of protectedEndpoints) {
    const call = (token?: string) =>
      t.http(e.method.toUpperCase(), sample(e.path), { token, body: e.body ? {} : undefined });
    const none = await call();
    expect([name, none.status, none.body.code]).toEqual([name, 401, 'UNAUTHENTICATED']);
    const others = e.auth === 'member' ? [op.token, staff.token, manager.token] : [m.token];
    for (const token of others) {
      const r = await call(token);
      expect([name, r.status, r.body.code]).toEqual([name, 401, 'TOKEN_INVALID']);
    }
    if (e.auth === 'operator') {
      for (const token of [staff.token, manager.token]) {
        const r = await call(token);
        expect([name, r.status, r.body.code]).toEqual([name, 403, 'FORBIDDEN']);
      }
    }
  }
  expect(await snapshot()).toEqual(before);
  expect((await me(m.token)).status).toBe(200);
});

test('tokens expire by the server clock: member and staff, one second either side', async () => {
  const m = await t.login('sec-exp');
  const op = await t.staffToken('operator');
  const { memberTtlSeconds, staffTtlSeconds } = t.ctx.config.tokens;
  expect(staffTtlSeconds).toBeLessThan(memberTtlSeconds);
  t.clock.advance((staffTtlSeconds - 1) * 1000);
  expect((await t.http('GET', '/api/admin/settings', { token: op.token })).status).toBe(200);
  t.clock.advance(2000);
  expect((await t.http('GET', '/api/admin/settings', { token: op.token })).body.code).toBe('TOKEN_EXPIRED');
  t.clock.advance((memberTtlSeconds - staffTtlSeconds - 2) * 1000);
  expect((await me(m.token)).status).toBe(200);
  t.clock.advance(2000);
  for (const r of [
    await me(m.token),
    await t.http('POST', '/api/auth/refresh', { token: m.token }),
    await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: 'late' } }),
  ]) {
    expect([r.status, r.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
  }
  expect((await me((await t.login('sec-exp')).token)).body.nickname).toBeNull();
});

test('birthday: set once (same value again is fine), a change is 409 and rolls back the whole patch; concurrent first settings: one wins', async () => {
  const m = await t.login('sec-bday');
  expect(
    (
      await t.http('PATCH', '/api/me', {
        token: m.token,
        body: { birthday: '1992-02-29', privacyConsentVersion: 'v1' },
      })
    ).body.birthday,
  ).toBe('1992-02-29');
  expect(
    (await t.http('PATCH', '/api/me', { token: m.token, body: { birthday: '1992-02-29', nickname: 'Same' } })).status,
  ).toBe(200);
  const change = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { birthday: '1992-03-01', nickname: 'Changed' },
  });
  expect([change.status, change.body.code]).toEqual([409, 'BIRTHDAY_ALREADY_SET']);
  expect((await me(m.token)).body).toMatchObject({ birthday: '1992-02-29', nickname: 'Same' });
  const n = await t.login('sec-bday-race');
  await t.http('POST', '/api/me/consent', { token: n.token, body: { version: 'v1' } });
  const dates = Array.from({ length: 10 }, (_, i) => `1990-01-${String(i + 10)}`);
  const all = await Promise.all(
    dates.map((birthday) => t.http('PATCH', '/api/me', { token: n.token, body: { birthday } })),
  );
  const ok = all.filter((r) => r.status === 200);
  expect(ok).toHaveLength(1);
  expect(all.filter((r) => r.status === 409 && r.body.code === 'BIRTHDAY_ALREADY_SET')).toHaveLength(9);
  expect((await me(n.token)).body.birthday).toBe(ok[0].body.birthday);
});

test('WeChat login failures map to stable errors and register nobody', async () => {
  const members = () => count(t, 'SELECT COUNT(*) AS n FROM members');
  const before = await members();
  const login = (code: string) => t.http('POST', '/api/auth/login', { body: { code } });
  const cases: [string, () => void, number, string][] = [
    ['invalid-code-1', () => undefined, 400, 'WECHAT_CODE_INVALID'],
    ['ratelimit-1', () => undefined, 429, 'WECHAT_RATE_LIMITED'],
    ['busy-1', () => undefined, 503, 'WECHAT_UNAVAILABLE'],
    ['sec-wx-a:1', () => t.fake.failNext('/sns/jscode2session', 40029), 400, 'WECHAT_CODE_INVALID'],
    ['sec-wx-b:1', () => t.fake.failNext('/sns/jscode2session', 45011), 429, 'WECHAT_RATE_LIMITED'],
    ['sec-wx-c:1', () => t.fake.failNext('/sns/jscode2session', -1), 503, 'WECHAT_UNAVAILABLE'],
    ['sec-wx-d:1', () => t.fake.failNext('/sns/jscode2session', 'drop'), 503, 'WECHAT_UNAVAILABLE'],
    ['sec-wx-e:1', () => t.fake.failNext('/sns/jscode2session', 'slow'), 503, 'WECHAT_UNAVAILABLE'],
  ];
  for (const [code, arrange, status, errCode] of cases) {
    arrange();
    const r = await login(code);
    expect([code, r.status, r.body.code]).toEqual([code, status, errCode]);
    expect(JSON.stringify(r.body)).not.toMatch(/secret|appid|jscode2session|errmsg/i);
  }
  expect(await members()).toBe(before);
  expect((await login('sec-wx-once:1')).status).toBe(200);
  const reused = await login('sec-wx-once:1'); // wx.login codes work once (40163)
  expect([reused.status, reused.body.code]).toEqual([400, 'WECHAT_CODE_INVALID']);
  expect(await members()).toBe(before + 1);
});

test('phone numbers: encrypted at rest with a random IV, masked in GET /api/me, absent from the audit log', async () => {
  const m = await t.login('sec-phone');
  const patched = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { phone: '+86 139-8765-4321'.replace(/[ -]/g, ''), privacyConsentVersion: 'v1' },
  });
  expect(patched.body.phoneMasked).toBe('139****4321');
  const view = await me(m.token);
  expect(view.body.phoneMasked).toBe('139****4321');
  expect(JSON.stringify(view.body)).not.toContain('98765');
  const row = async () =>
    (await t.ctx.db.read((q) =>
      q.one<{ phone_enc: string; phone_hmac: string }>('SELECT phone_enc, phone_hmac FROM members WHERE id = ?', [
        m.memberId,
      ]),
    ))!;
  const first = await row();
  expect(first.phone_enc).toMatch(/^v1\./);
  for (const needle of ['13987654321', '98765432', Buffer.from('13987654321').toString('base64').slice(0, 12)]) {
    expect(JSON.stringify(first)).not.toContain(needle);
  }
  await t.http('PATCH', '/api/me', { token: m.token, body: { phone: '13987654321' } });
  const second = await row();
  expect(second.phone_enc).not.toBe(first.phone_enc); // fresh IV each time
  expect(second.phone_hmac).toBe(first.phone_hmac); // same number, same lookup hash
  const auditText = JSON.stringify(
    await t.ctx.db.read((q) => q.all('SELECT * FROM audit_log WHERE target_id = ?', [String(m.memberId)])),
  );
  expect(auditText).toContain('phoneSet');
  expect(auditText).not.toContain('98765');
});

test('session_key and phone numbers never appear in any response or log line', async () => {
  const m = await t.login('sec-leak');
  await t.http('PATCH', '/api/me', { token: m.token, body: { phone: '13911112222', privacyConsentVersion: 'v1' } });
  const bodies = [
    await me(m.token),
    await t.http('GET', '/api/me/points', { token: m.token }),
    await t.http('GET', '/api/me/card', { token: m.token }),
  ].map((r) => JSON.stringify(r.body));
  const text = [...t.logs, ...bodies].join('\n');
  // Every response of this file (the harness keeps them; the member's own export does hold the phone) and every log line.
  const everything = [...t.logs, ...t.responses].join('\n');
  expect(t.responses.length).toBeGreaterThan(300);
  for (const key of t.fake.issuedSessionKeys) expect(everything).not.toContain(key);
  expect(everything).not.toMatch(/session_key|sessionKey/);
  expect(t.fake.issuedSessionKeys.length).toBeGreaterThan(5);
  for (const key of t.fake.issuedSessionKeys) expect(text).not.toContain(key);
  expect(text).not.toContain('13911112222');
  expect(text).not.toContain('13700001234');
  expect(text).not.toContain('13987654321');
  // Nor in any table.
  const tables = await t.ctx.db.read((q) =>
    q.all<{ name: string }>(
      t.dialect === 'mysql'
        ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
        : "SELECT name FROM sqlite_master WHERE type = 'table'",
    ),
  );
  expect(tables.length).toBeGreaterThan(10);
  let dump = '';
  for (const { name } of tables) dump += JSON.stringify(await t.ctx.db.read((q) => q.all(`SELECT * FROM ${name}`)));
  for (const key of t.fake.issuedSessionKeys) expect(dump).not.toContain(key);
  const stored = await t.ctx.db.read((q) =>
    q.one<{ phone_enc: string }>('SELECT phone_enc FROM members WHERE id = ?', [m.memberId]),
  );
  expect(stored!.phone_enc).not.toContain('1391111');
});
