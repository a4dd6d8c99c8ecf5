import { normalizePhone } from '@huiyuan/shared';
import { openidFor } from '../../scripts/fake-wechat/server';
import { startTestServer, type TestServer } from './harness';

/**
 * The member's profile against WeChat's real shapes: consent recorded before the
 * first personal field, phone numbers bound through getuserphonenumber (the
 * fake issues codes valid once for five minutes), typed numbers only when the
 * operator allows them.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const PHONE_API = '/wxa/business/getuserphonenumber';
let seq = 0;
const member = async () => {
  const identity = `wp-${++seq}`;
  return { ...(await t.login(identity)), openid: openidFor(identity) };
};
const consent = (token: string, version = 'v1') => t.http('POST', '/api/me/consent', { token, body: { version } });
const bind = (token: string, code: string) => t.http('POST', '/api/me/phone', { token, body: { code } });
const stored = (memberId: number) =>
  t.ctx.db.read((q) =>
    q.one<{
      nickname: string | null;
      phone_enc: string | null;
      phone_hmac: string | null;
      phone_verified: number;
      consent_version: string | null;
      consent_at: number | null;
      updated_at: number;
    }>(
      'SELECT nickname, phone_enc, phone_hmac, phone_verified, consent_version, consent_at, updated_at FROM members WHERE id = ?',
      [memberId],
    ),
  );
const setSetting = (key: string, value: unknown) =>
  t.ctx.db.tx((q) => t.ctx.settings.set(q, key as never, value as never, t.clock.now()));

test('a number from getPhoneNumber is stored encrypted and verified, and shown masked', async () => {
  const m = await member();
  expect((await consent(m.token)).status).toBe(200);
  const code = t.fake.phoneCodes.issue('13912345678', { openid: m.openid });
  const calls = t.fake.callCount(PHONE_API);
  const res = await bind(m.token, code);
  expect([res.status, res.body]).toEqual([200, { phoneMasked: '139****5678', phoneVerified: true }]);
  expect(t.fake.callCount(PHONE_API)).toBe(calls + 1);
  const row = await stored(m.memberId);
  expect(row!.phone_enc).toMatch(/^v1\./);
  expect(row!.phone_enc).not.toContain('13912345678');
  expect(Number(row!.phone_verified)).toBe(1);
  expect(t.ctx.members.decryptPhone(row!.phone_enc!)).toBe(normalizePhone('13912345678'));
  const me = await t.http('GET', '/api/me', { token: m.token });
  expect(me.body).toMatchObject({ phoneMasked: '139****5678', phoneVerified: true, consentRequired: false });
  expect(JSON.stringify(me.body)).not.toContain('13912345678');
});

test('an expired, used or unknown code is 400 PHONE_CODE_INVALID and stores nothing', async () => {
  const m = await member();
  await consent(m.token);
  const expired = t.fake.phoneCodes.issue('13900000001', { openid: m.openid });
  t.fake.phoneCodes.expire(expired);
  const used = t.fake.phoneCodes.issue('13900000002', { openid: m.openid });
  const other = await member();
  await consent(other.token);
  expect((await bind(other.token, used)).status).toBe(400); // bound to m's openid, not other's
  expect((await bind(m.token, used)).status).toBe(200); // m's own: accepted once
  await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: 'after' } });
  const before = await stored(m.memberId);
  for (const code of [expired, used, 'not-a-code-we-issued']) {
    const r = await bind(m.token, code);
    expect([r.status, r.body.code]).toEqual([400, 'PHONE_CODE_INVALID']);
  }
  expect(await stored(m.memberId)).toEqual(before);
  expect((await stored(other.memberId))!.phone_enc).toBeNull();
});

test('WeChat busy or unreachable is 503 WECHAT_UNAVAILABLE and stores nothing', async () => {
  const m = await member();
  await consent(m.token);
  for (const failure of [-1, 'drop'] as const) {
    const code = t.fake.phoneCodes.issue('13900000003', { openid: m.openid });
    t.fake.failNext(PHONE_API, failure);
    const r = await bind(m.token, code);
    expect([r.status, r.body.code]).toEqual([503, 'WECHAT_UNAVAILABLE']);
  }
  expect((await stored(m.memberId))!.phone_enc).toBeNull();
});

test('a refused access token is refreshed once and the phone call made again', async () => {
  const m = await member();
  await consent(m.token);
  await bind(m.token, t.fake.phoneCodes.issue('13900000004', { openid: m.openid })); // a token exists now
  t.fake.expireTokens();
  const issued = t.fake.issuedTokens.length;
  const r = await bind(m.token, t.fake.phoneCodes.issue('13900000005', { openid: m.openid }));
  expect([r.status, r.body.phoneMasked]).toEqual([200, '139****0005']);
  expect(t.fake.issuedTokens.length).toBe(issued + 1);
});

test('without a current consent: 403 CONSENT_REQUIRED, WeChat is not asked, nothing stored', async () => {
  const m = await member();
  const code = t.fake.phoneCodes.issue('13900000006', { openid: m.openid });
  const calls = t.fake.callCount(PHONE_API);
  const r = await bind(m.token, code);
  expect([r.status, r.body.code]).toEqual([403, 'CONSENT_REQUIRED']);
  expect(t.fake.callCount(PHONE_API)).toBe(calls);
  expect((await stored(m.memberId))!.phone_enc).toBeNull();
  await consent(m.token);
  expect((await bind(m.token, code)).status).toBe(200); // the code was not spent by the refusal
});

test('the session key, access token and phone code never reach a response or a log', async () => {
  const m = await member();
  await consent(m.token);
  const code = t.fake.phoneCodes.issue('13900000007', { openid: m.openid });
  await bind(m.token, code);
  await bind(m.token, code); // refused: used
  const everything = [...t.logs, ...t.responses].join('\n');
  for (const secret of [...t.fake.issuedSessionKeys, ...t.fake.issuedTokens, code])
    expect(everything).not.toContain(secret);
  expect(everything).not.toContain('13900000007');
});

test('consent before the first personal field; one PATCH may carry both; a new version asks again', async () => {
  const m = await member();
  let me = await t.http('GET', '/api/me', { token: m.token });
  expect(me.body).toMatchObject({ consentRequired: true, privacyConsent: null, phoneVerified: false });
  for (const body of [{ nickname: '小明' }, { birthday: '1990-01-02' }]) {
    const r = await t.http('PATCH', '/api/me', { token: m.token, body });
    expect([r.status, r.body.code]).toEqual([403, 'CONSENT_REQUIRED']);
  }
  expect(await stored(m.memberId)).toMatchObject({ nickname: null, consent_version: null });
  const outdated = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: '小明', privacyConsentVersion: 'v0' },
  });
  expect([outdated.status, outdated.body.code]).toEqual([409, 'POLICY_OUTDATED']);
  t.clock.advance(1000);
  const ok = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: '小明', privacyConsentVersion: 'v1' },
  });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ nickname: '小明', consentRequired: false, privacyConsent: { version: 'v1' } });
  const row = await stored(m.memberId);
  expect(Number(row!.consent_at)).toBeLessThanOrEqual(Number(row!.updated_at));

  // Accepting again keeps the first time.
  t.clock.advance(60_000);
  const again = await consent(m.token);
  expect(again.body).toEqual({ version: 'v1', acceptedAt: ok.body.privacyConsent.acceptedAt });
  expect((await consent(m.token, 'v9')).body.code).toBe('POLICY_OUTDATED');

  // The operator publishes v2: asked again, personal writes refused until accepted.
  const policy = (await t.http('GET', '/api/privacy/policy')).body;
  expect(policy).toMatchObject({ version: 'v1', title: expect.any(String) });
  expect(policy.text.length).toBeGreaterThan(100);
  await setSetting('privacy', { ...policy, version: 'v2', text: `${policy.text}\n\n七、新增条款` });
  const published = (await t.http('GET', '/api/privacy/policy')).body;
  expect(published).toMatchObject({ version: 'v2', updatedAt: t.clock.now().toISOString() });
  me = await t.http('GET', '/api/me', { token: m.token });
  expect(me.body).toMatchObject({ consentRequired: true, privacyConsent: { version: 'v1' } });
  const refused = await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: '小红' } });
  expect([refused.status, refused.body.code]).toEqual([403, 'CONSENT_REQUIRED']);
  expect((await stored(m.memberId))!.nickname).toBe('小明');
  const v2 = await consent(m.token, 'v2');
  expect(v2.body).toEqual({ version: 'v2', acceptedAt: t.clock.now().toISOString() });
  expect((await t.http('PATCH', '/api/me', { token: m.token, body: { nickname: '小红' } })).status).toBe(200);
  await setSetting('privacy', policy);
});

test('a typed phone is refused unless the operator allows typing; then it is stored unverified', async () => {
  const m = await member();
  await consent(m.token);
  expect((await t.http('GET', '/api/me', { token: m.token })).body.phoneTypingAllowed).toBe(false);
  const refused = await t.http('PATCH', '/api/me', { token: m.token, body: { phone: '13700001111' } });
  expect([refused.status, refused.body.code]).toEqual([403, 'PHONE_TYPING_DISABLED']);
  expect((await stored(m.memberId))!.phone_enc).toBeNull();
  await setSetting('members.phoneTyping', true);
  const typed = await t.http('PATCH', '/api/me', { token: m.token, body: { phone: '13700001111' } });
  expect(typed.body).toMatchObject({ phoneMasked: '137****1111', phoneVerified: false, phoneTypingAllowed: true });
  expect(Number((await stored(m.memberId))!.phone_verified)).toBe(0);
  // A verified number replaced by a typed one is no longer verified.
  await bind(m.token, t.fake.phoneCodes.issue('13700002222', { openid: m.openid }));
  expect((await t.http('GET', '/api/me', { token: m.token })).body.phoneVerified).toBe(true);
  await t.http('PATCH', '/api/me', { token: m.token, body: { phone: '13700003333' } });
  expect((await t.http('GET', '/api/me', { token: m.token })).body).toMatchObject({
    phoneMasked: '137****3333',
    phoneVerified: false,
  });
  await setSetting('members.phoneTyping', false);
});

test('the export shows consent and the verified flag; deletion clears them', async () => {
  const m = await member();
  await consent(m.token);
  await bind(m.token, t.fake.phoneCodes.issue('13600001234', { openid: m.openid }));
  const exported = await t.http('GET', '/api/me/export', { token: m.token });
  expect(exported.body.profile).toMatchObject({
    phone: '13600001234',
    phone_verified: true,
    consent_version: 'v1',
    consent_at: expect.any(String),
  });
  expect((await t.http('POST', '/api/me/delete', { token: m.token, body: { confirm: 'DELETE' } })).status).toBe(200);
  expect(await stored(m.memberId)).toMatchObject({
    phone_enc: null,
    phone_hmac: null,
    phone_verified: 0,
    consent_version: null,
    consent_at: null,
  });
});
