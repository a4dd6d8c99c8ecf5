import jwt from 'jsonwebtoken';
import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count } from './checkout-helpers';

let t: TestServer;
beforeAll(async () => { t = await startTestServer({ env: { LOGIN_RATE_PER_MINUTE: '1000' } }); });
afterAll(async () => { await t.close(); });

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
  const staffAudience = jwt.sign({ sub: String(m.memberId), ver: 0, role: 'operator', store: null }, SECRET(), { audience: 'staff', issuer: 'huiyuan', expiresIn: 600 });
  const staffAsMember = await t.http('GET', '/api/admin/settings', { token: jwt.sign({ sub: String(m.memberId), ver: 0 }, SECRET(), { audience: 'member', issuer: 'huiyuan', expiresIn: 600 }) });
  for (const bad of [none, forged, edited, `${m.token}x`, 'garbage.garbage.garbage']) {
    const r = await me(bad);
    expect([r.status, r.body.code]).toEqual([401, 'TOKEN_INVALID']);
  }
  expect((await t.http('GET', '/api/admin/settings', { token: staffAudience })).status).toBe(401); // no such staff row
  expect(staffAsMember.status).toBe(401);
  expect((await me('')).body.code).toBe('UNAUTHENTICATED');
  // Expired by the server's clock (the tests run on a manual clock).
  const nowS = Math.floor(t.clock.now().getTime() / 1000);
  const expired = jwt.sign({ sub: String(m.memberId), ver: 0, iat: nowS - 100, exp: nowS - 10 }, SECRET(), { audience: 'member', issuer: 'huiyuan' });
  expect((await me(expired)).body.code).toBe('TOKEN_EXPIRED');
  expect((await me(m.token)).status).toBe(200);
});

test('object-level access: ids of other members\' vouchers and messages are not found', async () => {
  const a = await t.login('sec-ola-a');
  const b = await t.login('sec-ola-b');
  const op = await t.staffToken('operator');
  const bn = await t.http('POST', '/api/admin/benefits', { token: op.token, body: { title: '免费券', costPoints: 0, stock: 3, validDays: 5 } });
  const v = await t.http('POST', '/api/me/redemptions', { token: a.token, headers: { 'idempotency-key': 'sec-ola-v1' }, body: { benefitId: bn.body.id } });
  expect((await t.http('POST', `/api/me/vouchers/${v.body.voucher.id}/cancel`, { token: b.token })).body.code).toBe('VOUCHER_NOT_FOUND');
  const bVouchers = await t.http('GET', '/api/me/vouchers', { token: b.token });
  expect(bVouchers.body.items).toEqual([]);
  expect(JSON.stringify((await t.http('GET', '/api/me/export', { token: b.token })).body)).not.toContain(v.body.voucher.code);
});

test('mass assignment and malformed input are refused with nothing changed', async () => {
  const m = await t.login('sec-mass');
  for (const body of [{ points: 99999 }, { tier: 'gold' }, { balance: 1 }, { id: '1' }, { nickname: 'x', status: 'deleted' }, {}]) {
    const r = await t.http('PATCH', '/api/me', { token: m.token, body });
    expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), 400]);
  }
  expect((await t.http('PATCH', '/api/me', { token: m.token, raw: '{"nickname": "a",', headers: { 'content-type': 'application/json' } })).body.code).toBe('MALFORMED_BODY');
  expect((await t.http('PATCH', '/api/me', { token: m.token, raw: 'nickname=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
  expect((await t.http('PATCH', '/api/me', { token: m.token, raw: JSON.stringify({ nickname: 'x'.repeat(100_000) }), headers: { 'content-type': 'application/json' } })).status).toBe(413);
  expect((await t.http('PATCH', '/api/me', { token: m.token, raw: '{"__proto__": {"admin": true}, "nickname": "p"}', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  expect((await me(m.token)).body).toMatchObject({ nickname: null });
  expect(await count(t, 'SELECT balance AS n FROM points_accounts WHERE member_id = ?', [m.memberId])).toBe(0);
});

test('member codes cannot be replayed; login is rate limited', async () => {
  const m = await t.login('sec-replay');
  const staff = await t.staffToken('staff');
  expect((await checkout(t, staff.token, m.memberId, 1000, 'SEC-R-1')).status).toBe(200);
  const code = await codeFor(t, m.memberId);
  const again = await t.http('POST', '/api/staff/checkout', { token: staff.token, body: { memberCode: code, orderNo: 'SEC-R-2', amountCents: 1000 } });
  expect(again.body.code).toBe('MEMBER_CODE_REPLAYED');
  const limited = await startTestServer({ env: { LOGIN_RATE_PER_MINUTE: '5' } });
  try {
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await limited.http('POST', '/api/auth/login', { body: { code: `rl-${i}:1` } })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  } finally {
    await limited.close();
  }
});

test('export returns everything about me; deletion erases personal data, keeps the ledger, ends sessions', async () => {
  const m = await t.login('sec-privacy');
  await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: '王小明', birthday: '1990-01-02', phone: '13700001234' } });
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
  const row = await t.ctx.db.read((q) => q.one<Record<string, unknown>>('SELECT * FROM members WHERE id = ?', [m.memberId]));
  expect(row).toMatchObject({ nickname: null, birthday: null, phone_enc: null, phone_hmac: null, unionid: null, status: 'deleted' });
  expect(String(row!.openid)).toMatch(/^deleted:/);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(1);
  const back = await t.login('sec-privacy');
  expect(back.memberId).not.toBe(m.memberId);
});

test('session_key and phone numbers never appear in any response or log line', async () => {
  const m = await t.login('sec-leak');
  await t.http('PATCH', '/api/me', { token: m.token, body: { phone: '13911112222' } });
  const bodies = [await me(m.token), await t.http('GET', '/api/me/points', { token: m.token }), await t.http('GET', '/api/me/card', { token: m.token })].map((r) => JSON.stringify(r.body));
  const text = [...t.logs, ...bodies].join('\n');
  expect(t.fake.issuedSessionKeys.length).toBeGreaterThan(5);
  for (const key of t.fake.issuedSessionKeys) expect(text).not.toContain(key);
  expect(text).not.toContain('13911112222');
  expect(text).not.toContain('13700001234');
  const stored = await t.ctx.db.read((q) => q.one<{ phone_enc: string }>('SELECT phone_enc FROM members WHERE id = ?', [m.memberId]));
  expect(stored!.phone_enc).not.toContain('1391111');
});
