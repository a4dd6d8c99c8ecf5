import {
  chunkTemplateIds,
  NOTIFICATION_KINDS,
  SUBSCRIBE_MOMENTS,
  templateIdsForMoment,
  type SubscribeMoment,
} from '@huiyuan/shared';
import { openidFor } from '../../scripts/fake-wechat/server';
import { readPng } from '../../scripts/fake-wechat/png';
import { startTestServer, type TestServer } from './harness';
import { count } from './checkout-helpers';

/**
 * Reaching members through WeChat: the invite poster's mini-program code (made
 * once, kept), the scene it opens with binding the referral once, every
 * notification kind reachable from a subscribe moment, and the check-in reminder.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const CODE_API = '/wxa/getwxacodeunlimit';
// 12:00 in Shanghai on a given business day.
const noon = (date: string) => t.clock.set(`${date}T04:00:00Z`);
let seq = 0;
const login = async (name: string, ref?: string) => {
  const res = await t.http('POST', '/api/auth/login', { body: { code: `${name}:${++seq}`, ...(ref ? { ref } : {}) } });
  expect(res.status).toBe(200);
  return { token: res.body.token as string, memberId: Number(res.body.memberId), openid: openidFor(name) };
};
const poster = (token: string) => t.http('GET', '/api/me/referrals/poster-code', { token });
const kept = () => count(t, 'SELECT COUNT(*) AS n FROM referral_poster_codes');
type Template = { key: string; templateId: string; banned: boolean };
const templatesOf = async (token: string): Promise<Template[]> =>
  (await t.http('GET', '/api/me/subscriptions', { token })).body.templates;
/** What the mini-program does at a moment: ask for that moment's templates, 3 per prompt, and report each answer. */
const subscribeAt = async (token: string, moment: SubscribeMoment) => {
  const groups = chunkTemplateIds(templateIdsForMoment(moment, await templatesOf(token)));
  for (const ids of groups)
    await t.http('POST', '/api/me/subscriptions', {
      token,
      body: { results: ids.map((templateId) => ({ templateId, result: 'accept' })) },
    });
  return groups;
};

test('the poster code: a real PNG for scene r=<code>, made once through WeChat and then kept', async () => {
  const m = await login('rc-poster');
  const code = (await t.http('GET', '/api/me/referrals', { token: m.token })).body.code;
  const calls = t.fake.callCount(CODE_API);
  const first = await poster(m.token);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ scene: `r=${code}`, page: 'pages/index/index', contentType: 'image/png' });
  expect(first.body.scene.length).toBeLessThanOrEqual(32);
  const png = readPng(Buffer.from(first.body.base64, 'base64'));
  expect(png).toMatchObject({ crcOk: true });
  expect(png!.width).toBeGreaterThanOrEqual(280);
  const second = await poster(m.token);
  expect(second.body).toEqual(first.body);
  expect(t.fake.callCount(CODE_API)).toBe(calls + 1);
  // Another member's code is their own picture.
  const other = await poster((await login('rc-poster-2')).token);
  expect(other.body.base64).not.toBe(first.body.base64);
  expect(t.fake.callCount(CODE_API)).toBe(calls + 2);
});

test('an upstream errcode is a clear error and nothing is kept; the next success is kept', async () => {
  const m = await login('rc-poster-fail');
  const before = await kept();
  for (const [failure, status, code] of [
    [45009, 429, 'WECHAT_QUOTA_EXCEEDED'],
    [41030, 502, 'WECHAT_REJECTED'],
    [40169, 502, 'WECHAT_REJECTED'],
    [-1, 503, 'WECHAT_UNAVAILABLE'],
    ['drop', 503, 'WECHAT_UNAVAILABLE'],
  ] as const) {
    t.fake.failNext(CODE_API, failure);
    const r = await poster(m.token);
    expect([failure, r.status, r.body.code]).toEqual([failure, status, code]);
    expect(JSON.stringify(r.body)).not.toMatch(/access_token|errmsg/);
    expect(await kept()).toBe(before);
  }
  const calls = t.fake.callCount(CODE_API);
  t.fake.expireTokens(); // a refused token on the way: refreshed once, the call made again
  expect((await poster(m.token)).status).toBe(200);
  expect(t.fake.callCount(CODE_API)).toBe(calls + 2);
  expect(await kept()).toBe(before + 1);
  expect((await poster(m.token)).status).toBe(200);
  expect(t.fake.callCount(CODE_API)).toBe(calls + 2);
});

test('a scene landing binds the referral once, however often or in whichever form it comes', async () => {
  const inviter = await login('rc-inviter');
  const { scene } = (await poster(inviter.token)).body;
  // What the mini-program reads from the launch options: the scene URL-encoded, decoded, `r=` taken off.
  const launched = decodeURIComponent(encodeURIComponent(scene));
  const ref = launched.replace(/^(r|ref)=/, '');
  await login('rc-invitee-1', ref);
  await login('rc-invitee-1', ref); // the same person opening the code again
  await login('rc-invitee-2', launched); // the scene passed on whole
  await login('rc-invitee-3', `ref=${ref}`); // the older form
  const view = (await t.http('GET', '/api/me/referrals', { token: inviter.token })).body;
  expect(view.invitees).toHaveLength(3);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM referrals WHERE inviter_id = ?', [inviter.memberId])).toBe(3);
  const again = await login('rc-invitee-1', ref);
  expect((await t.http('GET', '/api/me/referrals', { token: again.token })).body.invitedBy).not.toBeNull();
});

test('every notification kind has a template reachable from a subscribe moment, 3 ids per prompt', async () => {
  const m = await login('rc-kinds');
  const templates = await templatesOf(m.token);
  for (const kind of NOTIFICATION_KINDS) {
    const tpl = templates.find((x) => x.key === kind);
    expect([kind, typeof tpl?.templateId]).toEqual([kind, 'string']);
    const moments = (Object.keys(SUBSCRIBE_MOMENTS) as SubscribeMoment[]).filter((moment) =>
      templateIdsForMoment(moment, templates).includes(tpl!.templateId),
    );
    expect([kind, moments.length > 0]).toEqual([kind, true]);
  }
  const groups = await subscribeAt(m.token, 'profile');
  expect(groups.every((g) => g.length <= 3)).toBe(true);
  const after = (await t.http('GET', '/api/me/subscriptions', { token: m.token })).body.templates;
  expect(after.filter((x: { allowance: number }) => x.allowance === 1)).toHaveLength(NOTIFICATION_KINDS.length);
});

test('the birthday template, past the first three, is asked for and delivered through WeChat', async () => {
  noon('2026-11-24');
  const m = await login('rc-birthday');
  const groups = await subscribeAt(m.token, 'profile');
  expect(groups[0]).not.toContain('TPL_BIRTHDAY');
  expect(groups.flat()).toContain('TPL_BIRTHDAY');
  const set = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { birthday: '1990-11-25', privacyConsentVersion: 'v1' },
  });
  expect(set.status).toBe(200);
  noon('2026-11-25');
  await t.ctx.jobs.run('birthday', 'test');
  await t.ctx.outbox.drain();
  const sent = t.fake.sent.filter((s) => s.touser === m.openid && s.template_id === 'TPL_BIRTHDAY');
  expect(sent).toHaveLength(1);
  expect(sent[0].data.number2.value).toBe('100');
});

test('check-in reminder: at the set hour, once a day, to subscribers with a streak who have not checked in', async () => {
  noon('2026-12-01');
  const names = ['streak', 'done-today', 'not-subscribed', 'no-streak', 'quiet'] as const;
  const m = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await login(`rc-rem-${n}`)])));
  for (const n of names) if (n !== 'not-subscribed') await subscribeAt(m[n].token, 'checkin');
  for (const n of ['streak', 'done-today', 'not-subscribed', 'quiet'])
    expect((await t.http('POST', '/api/me/checkin', { token: m[n].token })).status).toBe(200);
  const outbox = () =>
    t.ctx.db.read((q) => q.all<{ member_id: number }>("SELECT member_id FROM outbox WHERE kind = 'checkin_reminder'"));

  t.clock.set('2026-12-02T03:00:00Z'); // 11:00 the next day
  expect((await t.http('POST', '/api/me/checkin', { token: m['done-today'].token })).status).toBe(200);
  t.clock.set('2026-12-02T11:30:00Z'); // 19:30: before the default 20:00
  expect(await t.ctx.jobs.tick()).not.toContain('checkin_reminder');
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'checkin.reminder', { enabled: true, hour: 19 }, t.clock.now()));
  expect(await t.ctx.jobs.tick()).toContain('checkin_reminder');
  expect((await outbox()).map((r) => Number(r.member_id)).sort()).toEqual([m.streak.memberId, m.quiet.memberId].sort());
  await t.ctx.jobs.run('checkin_reminder', 'test'); // again the same day: nobody twice
  expect(await outbox()).toHaveLength(2);
  await t.ctx.db.tx((q) =>
    q.exec("UPDATE outbox SET next_attempt_at = ? WHERE kind = 'checkin_reminder' AND member_id = ?", [
      t.clock.now().getTime() + 86_400_000,
      m.quiet.memberId,
    ]),
  );
  await t.ctx.outbox.drain();
  const sent = t.fake.sent.filter((s) => s.template_id === 'TPL_CHECKIN_REMINDER');
  expect(sent.map((s) => s.touser)).toEqual([m.streak.openid]);
  expect(sent[0].data.number2.value).toBe('1');

  // In quiet hours (22:00-08:00) the message waits; the allowance is spent only when it goes.
  t.clock.set('2026-12-02T15:00:00Z'); // 23:00
  await t.ctx.db.tx((q) =>
    q.exec("UPDATE outbox SET next_attempt_at = ? WHERE kind = 'checkin_reminder' AND member_id = ?", [
      t.clock.now().getTime(),
      m.quiet.memberId,
    ]),
  );
  expect((await t.ctx.outbox.drain()).deferred).toBe(1);
  expect(t.fake.sent.filter((s) => s.touser === m.quiet.openid)).toHaveLength(0);
  const allowance = await count(
    t,
    "SELECT allowance AS n FROM subscription_allowances WHERE member_id = ? AND template_key = 'checkin_reminder'",
    [m.quiet.memberId],
  );
  expect(allowance).toBe(1);
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'checkin.reminder', { enabled: false, hour: 19 }, t.clock.now()));
  t.clock.set('2026-12-03T12:00:00Z');
  expect(await t.ctx.jobs.tick()).not.toContain('checkin_reminder');
});

test('the OpenAPI document describes the new endpoints with their error codes', async () => {
  const doc = (await t.http('GET', '/api/openapi.json')).body;
  const op = (path: string, method: string) => doc.paths[path][method];
  expect(op('/api/privacy/policy', 'get').responses['401']).toBeUndefined();
  expect(op('/api/me/consent', 'post').responses['409'].description).toContain('POLICY_OUTDATED');
  const phone = op('/api/me/phone', 'post');
  expect(phone.responses['400'].description).toContain('PHONE_CODE_INVALID');
  expect(phone.responses['403'].description).toContain('CONSENT_REQUIRED');
  expect(phone.responses['503'].description).toContain('WECHAT_UNAVAILABLE');
  expect(op('/api/me', 'patch').responses['403'].description).toContain('PHONE_TYPING_DISABLED');
  const poster = op('/api/me/referrals/poster-code', 'get');
  expect(poster.responses['429'].description).toContain('WECHAT_QUOTA_EXCEEDED');
  expect(poster.responses['502'].description).toContain('WECHAT_REJECTED');
  expect(Object.keys(poster.responses['200'].content['application/json'].schema.properties).sort()).toEqual([
    'base64',
    'contentType',
    'page',
    'scene',
  ]);
});
