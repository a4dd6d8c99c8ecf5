import { startTestServer, type TestServer } from './harness';
import { checkout, count } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/** Jobs that walk large sets go page after page until done, not one page a day. */
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

test('referral settlement pays every due invite in one run, page after page', async () => {
  const setRules = (over: Record<string, unknown>) =>
    t.ctx.db.tx(async (q) => {
      const base = await t.ctx.settings.get('referrals.rules');
      await t.ctx.settings.set(q, 'referrals.rules', { ...base, ...over } as never, t.clock.now());
    });
  await setRules({ trigger: 'first_purchase', refundWindowDays: 7, dailyCapPerInviter: 100 });
  let seq = 0;
  const register = async (identity: string, ref?: string) => {
    const res = await t.http('POST', '/api/auth/login', {
      body: { code: `${identity}:${++seq}`, ...(ref ? { ref } : {}) },
    });
    expect(res.status).toBe(200);
    return { token: res.body.token as string, memberId: Number(res.body.memberId) };
  };
  const a = await register('settle-inviter');
  const { code } = (await t.http('GET', '/api/me/referrals', { token: a.token })).body;
  const staff = await t.staffToken('staff');
  const invitees = [];
  for (let i = 0; i < 7; i++) {
    const m = await register(`settle-invitee-${i}`, code);
    expect((await checkout(t, staff.token, m.memberId, 10_000)).status).toBe(200);
    invitees.push(m);
  }
  t.clock.advance(8 * 86_400_000);
  // Pages of 3: seven invites need three pages, all in this one call.
  expect(await t.ctx.referrals.settleDue(undefined, 3)).toBe(7);
  expect(await t.ctx.referrals.settleDue(undefined, 3)).toBe(0);
  expect(
    await count(t, "SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ? AND reason = 'referral_inviter'", [
      a.memberId,
    ]),
  ).toBe(7);
});
