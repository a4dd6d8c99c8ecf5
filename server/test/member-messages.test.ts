import { startTestServer, type TestServer } from './harness';
import { codeFor, count, nextOrderNo } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/** The member's messages for a counter lookup and for a gift given by a rule. */
const clock = new ManualClock(new Date('2026-11-24T04:00:00Z')); // 12:00 in Shanghai
let t: TestServer;
let phoneSeq = 0;
beforeAll(async () => {
  t = await startTestServer({ clock });
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'members.phoneTyping', true, clock.now()));
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  await t.ctx.db.tx((q) => q.exec("UPDATE gift_rules SET status = 'disabled'"));
  t.ctx.gifts.forgetRules();
});

const SEND = '/cgi-bin/message/subscribe/send';
const at = (iso: string) => clock.set(iso);
async function member(identity: string) {
  const m = await t.login(identity);
  const phone = `138${String(20_000_000 + ++phoneSeq).slice(-8)}`;
  const r = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: '李雷', phone, privacyConsentVersion: 'v1' },
  });
  expect(r.status).toBe(200);
  return { ...m, phone };
}
const subscribe = (token: string, templateId: string) =>
  t.http('POST', '/api/me/subscriptions', { token, body: { results: [{ templateId, result: 'accept' }] } });
const outboxOf = (memberId: number, kind: string) =>
  count(t, 'SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND kind = ?', [memberId, kind]);
const inbox = async (token: string) =>
  (await t.http('GET', '/api/me/messages', { token })).body.items as { kind: string; title: string; body: string }[];
const sentTo = (templateId: string) => t.fake.sent.filter((s) => s.template_id === templateId).length;

test('a lookup reaching a member writes one message; a stranger number writes none', async () => {
  const m = await member('mm-lookup');
  const staff = await t.staffToken('staff');
  const asked = await t.http('POST', '/api/staff/members/phone-lookup', {
    token: staff.token,
    body: { phone: m.phone },
  });
  expect(asked.status).toBe(200);
  await t.http('POST', '/api/staff/members/phone-lookup', { token: staff.token, body: { phone: '13700000009' } });
  expect(await outboxOf(m.memberId, 'lookup_request')).toBe(1);
  expect(await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'lookup_request' AND member_id IS NULL")).toBe(
    0,
  );
  await t.ctx.outbox.drain();
  const items = await inbox(m.token);
  expect(items[0]).toMatchObject({ kind: 'lookup_request', title: '会员身份确认' });
  expect(items[0].body).toContain('Test store');
});

test('a lookup message goes out in quiet hours, and a lapsed one reaches the inbox only', async () => {
  const m = await member('mm-quiet');
  await subscribe(m.token, 'TPL_LOOKUP_REQUEST');
  await subscribe(m.token, 'TPL_LOOKUP_REQUEST');
  at('2026-11-24T15:00:00Z'); // 23:00 in Shanghai: quiet hours
  const staff = await t.staffToken('staff');
  const before = sentTo('TPL_LOOKUP_REQUEST');
  await t.http('POST', '/api/staff/members/phone-lookup', { token: staff.token, body: { phone: m.phone } });
  await t.ctx.outbox.drain();
  expect(sentTo('TPL_LOOKUP_REQUEST')).toBe(before + 1);
  expect(t.fake.sent[t.fake.sent.length - 1]).toMatchObject({
    page: 'member/confirm/index',
    data: { thing1: { value: 'Test store' } },
  });
  // A request whose two minutes passed before any worker ran is not sent to WeChat at all.
  await t.http('POST', '/api/staff/members/phone-lookup', { token: staff.token, body: { phone: m.phone } });
  at('2026-11-24T15:03:00Z');
  await t.ctx.outbox.drain();
  expect(sentTo('TPL_LOOKUP_REQUEST')).toBe(before + 1);
  expect((await inbox(m.token)).filter((i) => i.kind === 'lookup_request')).toHaveLength(2);
  expect(t.fake.calls.filter((c) => c.path === SEND).length).toBeGreaterThan(0);
  at('2026-11-24T04:00:00Z');
});

test('a gift rule that gives points and vouchers writes one message per grant; a skipped grant none', async () => {
  const op = (await t.staffToken('operator')).token;
  const b = await t.http('POST', '/api/admin/benefits', {
    token: op,
    body: { title: '入会咖啡券', costPoints: 0, stock: 1, validDays: 30 },
  });
  const rule = await t.http('POST', '/api/admin/gift-rules', {
    token: op,
    body: { name: 'join', trigger: 'join', points: 0, vouchers: [{ benefitId: b.body.id, count: 1 }] },
  });
  expect(rule.status).toBe(201);
  const first = await t.login('mm-gift-1');
  const second = await t.login('mm-gift-2'); // the only voucher is gone: skipped, nothing to tell
  await Promise.all([t.ctx.gifts.drain(), t.ctx.gifts.drain()]);
  await t.ctx.gifts.drain();
  expect(await outboxOf(first.memberId, 'gift_granted')).toBe(1);
  expect(await outboxOf(second.memberId, 'gift_granted')).toBe(0);
  await t.ctx.outbox.drain();
  const msg = (await inbox(first.token)).find((i) => i.kind === 'gift_granted');
  expect(msg).toMatchObject({ title: '入会礼已到账', body: '1 张券，券已放入券包。' });
});

test('points from a first-order rule: the message names the points', async () => {
  const op = (await t.staffToken('operator')).token;
  await t.http('POST', '/api/admin/gift-rules', {
    token: op,
    body: { name: 'fo', trigger: 'first_order', points: 88, vouchers: [] },
  });
  const m = await member('mm-first-order');
  const staff = await t.staffToken('staff');
  const r = await t.http('POST', '/api/staff/checkout', {
    token: staff.token,
    body: { memberCode: await codeFor(t, m.memberId), orderNo: nextOrderNo(), amountCents: 1_000 },
  });
  expect(r.status).toBe(200);
  await t.ctx.gifts.drain();
  await t.ctx.gifts.drain(); // a second drain gives nothing again
  expect(await outboxOf(m.memberId, 'gift_granted')).toBe(1);
  await t.ctx.outbox.drain();
  expect((await inbox(m.token)).find((i) => i.kind === 'gift_granted')).toMatchObject({
    title: '首单礼已到账',
    body: '88 积分，积分已到账。',
  });
});
