import { DEFAULT_PHONE_LOOKUP, type PhoneLookupRules } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { codeFor, count, nextOrderNo } from './checkout-helpers';
import { ManualClock } from '../src/core/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';

const clock = new ManualClock(new Date('2026-11-24T04:00:00Z'));
let t: TestServer;
let phoneSeq = 0;
let storeSeq = 0;
beforeAll(async () => {
  t = await startTestServer({ clock });
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'members.phoneTyping', true, clock.now()));
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  await setRules({});
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const setRules = (over: Partial<PhoneLookupRules>) =>
  t.ctx.db.tx((q) => t.ctx.settings.set(q, 'checkout.phoneLookup', { ...DEFAULT_PHONE_LOOKUP, ...over }, clock.now()));
const nextPhone = () => `139${String(10_000_000 + ++phoneSeq).slice(-8)}`;
/** A member with a phone number of their own. */
async function member(identity: string) {
  const m = await t.login(identity);
  const phone = nextPhone();
  const r = await t.http('PATCH', '/api/me', {
    token: m.token,
    body: { nickname: '王小明', phone, privacyConsentVersion: 'v1' },
  });
  expect(r.status).toBe(200);
  return { ...m, phone };
}
async function otherStore() {
  const id = await t.ctx.db.tx((q) =>
    t.ctx.staff.createStore(q, { code: `PL${process.pid}-${++storeSeq}`, name: 'Other store' }, clock.now()),
  );
  return t.staffToken('staff', id);
}
const ask = (staff: string, phone: string) =>
  t.http('POST', '/api/staff/members/phone-lookup', { token: staff, body: { phone } });
const state = (staff: string, id: string) => t.http('GET', `/api/staff/members/phone-lookup/${id}`, { token: staff });
const verify = (staff: string, id: string, code: string) =>
  t.http('POST', `/api/staff/members/phone-lookup/${id}/verify`, { token: staff, body: { code } });
const pending = async (token: string) => (await t.http('GET', '/api/me/confirmations', { token })).body.items;
const answer = (token: string, id: string, what: 'confirm' | 'reject') =>
  t.http('POST', `/api/me/confirmations/${id}/${what}`, { token });
const buy = (staff: string, body: Record<string, unknown>) =>
  t.http('POST', '/api/staff/checkout', {
    token: staff,
    body: { orderNo: nextOrderNo(), amountCents: 1_000, ...body },
  });
const audits = (action: string) => count(t, 'SELECT COUNT(*) AS n FROM audit_log WHERE action = ?', [action]);

test('confirmed in the app: a single-use token for one checkout at the asking store only', async () => {
  const m = await member('pl-confirm');
  const staff = await t.staffToken('staff');
  const other = await otherStore();
  const asked = await ask(staff.token, m.phone);
  expect(asked.status).toBe(200);
  expect(asked.body).toMatchObject({ maskedPhone: '139****' + m.phone.slice(-4), confirm: 'member_confirm' });
  const id = asked.body.requestId as string;
  expect((await state(staff.token, id)).body).toMatchObject({ status: 'pending', memberToken: null, maskedName: null });
  // Nothing to use before the member says yes.
  expect((await state(other.token, id)).body.code).toBe('LOOKUP_NOT_FOUND');
  const list = await pending(m.token);
  expect(list).toEqual([
    {
      id,
      storeName: 'Test store',
      confirm: 'member_confirm',
      code: null,
      expiresAt: expect.any(String),
      purpose: 'lookup',
      points: null,
      discountCents: null,
      amountCents: null,
    },
  ]);
  expect((await answer(m.token, id, 'confirm')).body).toEqual({ id, status: 'confirmed' });
  expect(await pending(m.token)).toEqual([]);
  const ready = (await state(staff.token, id)).body;
  expect(ready).toMatchObject({ status: 'confirmed', maskedName: expect.stringContaining('王') });
  const token = ready.memberToken as string;
  // Another store cannot use it; points as cash still need the member's code; not both at once.
  expect((await buy(other.token, { memberToken: token })).body.code).toBe('MEMBER_TOKEN_INVALID');
  expect((await buy(staff.token, { memberToken: token, redeemPoints: 10 })).status).toBe(400);
  const code = await codeFor(t, m.memberId);
  expect((await buy(staff.token, { memberToken: token, memberCode: code })).status).toBe(400);
  const orderNo = nextOrderNo();
  const first = await buy(staff.token, { memberToken: token, orderNo });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ memberId: String(m.memberId), points: 10, replayed: false });
  // A retry of that checkout answers from the order; any other order is refused: single use.
  expect((await buy(staff.token, { memberToken: token, orderNo })).body.replayed).toBe(true);
  expect((await buy(staff.token, { memberToken: token })).body.code).toBe('MEMBER_TOKEN_INVALID');
  expect((await state(staff.token, id)).body).toMatchObject({ status: 'used', memberToken: null });
  const forged = `${id}.${'A'.repeat(43)}`;
  expect((await buy(staff.token, { memberToken: forged })).body.code).toBe('MEMBER_TOKEN_INVALID');
  expect(await count(t, 'SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [m.memberId])).toBe(1);
  expect(await audits('lookup.request')).toBeGreaterThanOrEqual(1);
  expect(await audits('lookup.confirm')).toBeGreaterThanOrEqual(1);
});

test('one token, two tills at once: exactly one checkout', async () => {
  const m = await member('pl-race');
  const staff = await t.staffToken('staff');
  const id = (await ask(staff.token, m.phone)).body.requestId as string;
  await answer(m.token, id, 'confirm');
  const token = (await state(staff.token, id)).body.memberToken as string;
  const all = await Promise.all(Array.from({ length: 6 }, () => buy(staff.token, { memberToken: token })));
  expect(all.filter((r) => r.status === 200)).toHaveLength(1);
  expect(all.filter((r) => r.body.code === 'MEMBER_TOKEN_INVALID')).toHaveLength(5);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [m.memberId])).toBe(1);
});

test('a request expires after 2 minutes, the token 5 minutes after the confirmation', async () => {
  const m = await member('pl-expire');
  const staff = await t.staffToken('staff');
  const late = (await ask(staff.token, m.phone)).body.requestId as string;
  clock.advance(121_000);
  expect(await pending(m.token)).toEqual([]);
  expect((await answer(m.token, late, 'confirm')).body.code).toBe('LOOKUP_NOT_FOUND');
  expect((await state(staff.token, late)).body).toMatchObject({ status: 'expired', memberToken: null });
  const id = (await ask(staff.token, m.phone)).body.requestId as string;
  await answer(m.token, id, 'confirm');
  const token = (await state(staff.token, id)).body.memberToken as string;
  clock.advance(301_000);
  expect((await buy(staff.token, { memberToken: token })).body.code).toBe('MEMBER_TOKEN_INVALID');
  expect((await state(staff.token, id)).body.status).toBe('expired');
});

test("no enumeration: a stranger's number answers like a member's; a refusal looks like silence", async () => {
  const m = await member('pl-enum');
  const staff = await t.staffToken('staff');
  const known = await ask(staff.token, m.phone);
  const unknown = await ask(staff.token, nextPhone());
  expect(unknown.status).toBe(known.status);
  expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
  const shape = (b: Record<string, unknown>) => ({ ...b, requestId: 'x', maskedPhone: 'x', expiresAt: 'x' });
  expect(shape(unknown.body)).toEqual(shape(known.body));
  const sk = (await state(staff.token, known.body.requestId)).body;
  const su = (await state(staff.token, unknown.body.requestId)).body;
  expect(shape(su)).toEqual(shape(sk));
  // The member refuses: the clerk still sees a pending request, which then expires like the stranger's.
  expect((await answer(m.token, known.body.requestId, 'reject')).body.status).toBe('rejected');
  expect((await state(staff.token, known.body.requestId)).body.status).toBe('pending');
  expect((await answer(m.token, known.body.requestId, 'confirm')).body.code).toBe('LOOKUP_NOT_FOUND');
  // Another member cannot answer someone else's request.
  const intruder = await member('pl-intruder');
  const again = (await ask(staff.token, m.phone)).body.requestId as string;
  expect((await answer(intruder.token, again, 'confirm')).body.code).toBe('LOOKUP_NOT_FOUND');
  clock.advance(121_000);
  expect((await state(staff.token, known.body.requestId)).body.status).toBe('expired');
  expect((await state(staff.token, unknown.body.requestId)).body.status).toBe('expired');
  expect(await audits('lookup.reject')).toBeGreaterThanOrEqual(1);
});

test('the code the member reads: right code confirms, wrong ones are counted and close the request', async () => {
  await setRules({ confirm: 'member_code' });
  const m = await member('pl-code');
  const staff = await t.staffToken('staff');
  const id = (await ask(staff.token, m.phone)).body.requestId as string;
  const [item] = await pending(m.token);
  expect(item).toMatchObject({ id, confirm: 'member_code', code: expect.stringMatching(/^[0-9]{6}$/) });
  // In this mode a tap is not enough; a stranger's request has no code at all.
  expect((await answer(m.token, id, 'confirm')).body.code).toBe('LOOKUP_NOT_FOUND');
  const stranger = (await ask(staff.token, nextPhone())).body.requestId as string;
  expect((await verify(staff.token, stranger, item.code)).body.code).toBe('LOOKUP_CODE_INVALID');
  const wrong = item.code === '000000' ? '000001' : '000000';
  expect((await verify(staff.token, id, wrong)).body.code).toBe('LOOKUP_CODE_INVALID');
  const ok = await verify(staff.token, id, item.code);
  expect(ok.body).toMatchObject({ status: 'confirmed', memberToken: expect.any(String) });
  expect((await buy(staff.token, { memberToken: ok.body.memberToken })).status).toBe(200);
  // Five wrong codes close a request: the right one then fails too.
  const id2 = (await ask(staff.token, m.phone)).body.requestId as string;
  const code2 = (await pending(m.token)).find((x: { id: string }) => x.id === id2).code as string;
  const bad = code2 === '111111' ? '222222' : '111111';
  for (let i = 0; i < 5; i++) expect((await verify(staff.token, id2, bad)).body.code).toBe('LOOKUP_CODE_INVALID');
  expect((await verify(staff.token, id2, code2)).body.code).toBe('LOOKUP_CODE_INVALID');
  expect(await audits('lookup.code_refused')).toBeGreaterThanOrEqual(7);
});

test('rate limits: per staff (refused), per number (quiet: accepted, never shown)', async () => {
  clock.advance(3_600_000);
  await setRules({ perStaffPerHour: 4, perMemberPerHour: 2 });
  const m = await member('pl-limits');
  const a = await t.staffToken('staff');
  const b = await t.staffToken('staff');
  const answers = [await ask(a.token, m.phone), await ask(a.token, m.phone), await ask(b.token, m.phone)];
  expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
  // Only two reached the member: the third was accepted quietly and reaches nobody.
  expect(await pending(m.token)).toHaveLength(2);
  expect((await state(b.token, answers[2].body.requestId)).body.status).toBe('pending');
  await ask(a.token, nextPhone());
  await ask(a.token, nextPhone());
  const refused = await ask(a.token, nextPhone());
  expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
  await setRules({ enabled: false });
  expect((await ask(b.token, m.phone)).body.code).toBe('FORBIDDEN');
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'lookup.request' AND after_json LIKE ?", [
      '%"quiet":true%',
    ]),
  ).toBe(1);
});

test("the card's pulse carries the balance and the requests waiting for this member only", async () => {
  const m = await member('pl-pulse');
  const other = await member('pl-pulse-other');
  const staff = await t.staffToken('staff');
  const pulse = async (token: string) => (await t.http('GET', '/api/me/card/pulse', { token })).body;
  expect(await pulse(m.token)).toMatchObject({ balance: 0, pendingPoints: 0, confirmations: [] });
  const asked = await ask(staff.token, m.phone);
  expect(asked.status).toBe(200);
  const mine = await pulse(m.token);
  expect(mine.confirmations).toEqual(await pending(m.token));
  expect(mine.confirmations).toHaveLength(1);
  expect(mine.confirmations[0]).toMatchObject({ id: asked.body.requestId, purpose: 'lookup' });
  expect((await pulse(other.token)).confirmations).toEqual([]);
  expect(await answer(m.token, asked.body.requestId, 'confirm')).toMatchObject({ status: 200 });
  const token = (await state(staff.token, asked.body.requestId)).body.memberToken;
  expect((await buy(staff.token, { memberToken: token, amountCents: 12_300 })).status).toBe(200);
  expect(await pulse(m.token)).toMatchObject({ balance: 123, confirmations: [] });
  expect((await t.http('GET', '/api/me/card/pulse', {})).status).toBe(401);
});
