import { startTestServer, type TestServer } from './harness';
import { checkout, codeFor, count, nextOrderNo } from './checkout-helpers';
import { checkInvariants } from '../src/modules/reconcile/invariants';

let t: TestServer;
let staff: { token: string; staffId: number };
beforeAll(async () => {
  t = await startTestServer();
  staff = await t.staffToken('staff');
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
});

const post = (body: unknown, token = staff.token) => t.http('POST', '/api/staff/checkout', { token, body });

describe('checkout', () => {
  test('credits base points x tier multiplier and growth, explains the growth entry', async () => {
    const m = await t.login('co-basic');
    const res = await checkout(t, staff.token, m.memberId, 12_345);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      points: 123,
      growth: 123,
      balance: 123,
      amountCents: 12_345,
      tier: { code: 'normal' },
      tierChanged: null,
      replayed: false,
    });
    expect(res.body.lines).toEqual([{ code: 'base', points: 123 }]);
    const tier = await t.http('GET', '/api/me/tier', { token: m.token });
    expect(tier.body.growthInWindow).toBe(123);
    expect(tier.body.entries[0]).toMatchObject({ delta: 123, source: 'purchase' });
    expect(tier.body.entries[0].label).toContain('¥123.45');
    expect(tier.body.next).toMatchObject({ tier: { code: 'silver' }, needed: 3000 - 123 });
  });

  test('the card gives the current code; it works once, and the previous step is still accepted', async () => {
    const m = await t.login('co-card');
    const card = await t.http('GET', '/api/me/card', { token: m.token });
    expect(card.status).toBe(200);
    expect(card.body.code.current).toBe(await codeFor(t, m.memberId));
    t.clock.advance(30_000); // one step later the shown code is the previous step: still valid
    const first = await post({ memberCode: card.body.code.current, orderNo: nextOrderNo(), amountCents: 1000 });
    expect(first.status).toBe(200);
    const replay = await post({ memberCode: card.body.code.current, orderNo: nextOrderNo(), amountCents: 1000 });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('MEMBER_CODE_REPLAYED');
  });

  test("a code two steps old, a future code and another member's code are refused", async () => {
    const a = await t.login('co-old-a');
    const b = await t.login('co-old-b');
    const old = await codeFor(t, a.memberId, new Date(t.clock.now().getTime() - 61_000));
    expect((await post({ memberCode: old, orderNo: nextOrderNo(), amountCents: 100 })).body.code).toBe(
      'MEMBER_CODE_INVALID',
    );
    const future = await codeFor(t, a.memberId, new Date(t.clock.now().getTime() + 60_000));
    expect((await post({ memberCode: future, orderNo: nextOrderNo(), amountCents: 100 })).body.code).toBe(
      'MEMBER_CODE_INVALID',
    );
    // b's TOTP digits under a's member id.
    const codeA = await codeFor(t, a.memberId);
    const codeB = await codeFor(t, b.memberId);
    const forged = codeA.slice(0, codeA.length - 6) + codeB.slice(-6);
    if (forged !== codeA)
      expect((await post({ memberCode: forged, orderNo: nextOrderNo(), amountCents: 100 })).body.code).toBe(
        'MEMBER_CODE_INVALID',
      );
    expect(await count(t, 'SELECT COUNT(*) AS n FROM orders WHERE member_id IN (?, ?)', [a.memberId, b.memberId])).toBe(
      0,
    );
  });

  test('50 concurrent checkouts of one order credit once and all answer the first result', async () => {
    const m = await t.login('co-dup');
    t.clock.advance(30_000);
    const body = { memberCode: await codeFor(t, m.memberId), orderNo: nextOrderNo(), amountCents: 5_000 };
    const all = await Promise.all(Array.from({ length: 50 }, () => post(body)));
    expect(all.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(all.map((r) => r.body.balance))).toEqual(new Set([50]));
    expect(all.filter((r) => !r.body.replayed)).toHaveLength(1);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(1);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM growth_entries WHERE member_id = ?', [m.memberId])).toBe(1);
    const other = await post({ ...body, amountCents: 5_001 });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  test.each([[0], [-100], [10.5], [1e12], ['100'], [null], [Number.MAX_SAFE_INTEGER]])(
    'amount %p is refused and nothing is written',
    async (amountCents) => {
      const m = await t.login(`co-bad-${String(amountCents)}`);
      const before = await count(t, 'SELECT COUNT(*) AS n FROM orders');
      const res = await post({ memberCode: await codeFor(t, m.memberId), orderNo: nextOrderNo(), amountCents });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(await count(t, 'SELECT COUNT(*) AS n FROM orders')).toBe(before);
      expect(await count(t, 'SELECT COUNT(*) AS n FROM member_code_uses WHERE member_id = ?', [m.memberId])).toBe(0);
    },
  );

  test('unknown fields and bad order numbers are refused', async () => {
    const m = await t.login('co-fields');
    const code = await codeFor(t, m.memberId);
    expect((await post({ memberCode: code, orderNo: nextOrderNo(), amountCents: 100, points: 99999 })).status).toBe(
      400,
    );
    expect((await post({ memberCode: code, orderNo: 'has space', amountCents: 100 })).status).toBe(400);
    expect((await post({ memberCode: 'abc', orderNo: nextOrderNo(), amountCents: 100 })).status).toBe(400);
  });

  test('tier upgrade on checkout writes an outbox row; the next purchase earns the new multiplier', async () => {
    const m = await t.login('co-upgrade');
    const up = await checkout(t, staff.token, m.memberId, 300_000);
    expect(up.body).toMatchObject({
      growth: 3000,
      tier: { code: 'silver' },
      tierChanged: { from: 'normal', to: 'silver' },
    });
    expect(
      await count(t, "SELECT COUNT(*) AS n FROM outbox WHERE member_id = ? AND kind = 'tier_changed'", [m.memberId]),
    ).toBe(1);
    const next = await checkout(t, staff.token, m.memberId, 10_000);
    expect(next.body.lines).toEqual([
      { code: 'base', points: 100 },
      { code: 'tier', points: 20 },
    ]);
    expect(next.body.points).toBe(120);
  });

  test('member day multiplies on configured days (business time)', async () => {
    const m = await t.login('co-memberday');
    const day = Number(
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', day: 'numeric' }).format(
        new Date(t.clock.now().getTime() + 30_000),
      ),
    );
    await t.ctx.db.tx((q) =>
      t.ctx.settings.set(
        q,
        'checkout.memberDays',
        { weekdays: [], monthDays: [day], multiplierPercent: 200 },
        t.clock.now(),
      ),
    );
    try {
      const res = await checkout(t, staff.token, m.memberId, 1_000);
      expect(res.body.lines).toEqual([
        { code: 'base', points: 10 },
        { code: 'member_day', points: 10 },
      ]);
    } finally {
      await t.ctx.db.tx((q) =>
        t.ctx.settings.set(
          q,
          'checkout.memberDays',
          { weekdays: [], monthDays: [], multiplierPercent: 200 },
          t.clock.now(),
        ),
      );
    }
  });
});
