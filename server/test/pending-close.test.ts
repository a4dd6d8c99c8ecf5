import { startTestServer, type TestServer } from './harness';
import { checkout, count, nextOrderNo } from './checkout-helpers';
import { invariant1Violations } from './ledger-invariants';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/** Pending points on the card, in the member's data export, and dropped when the member closes the account. */
let t: TestServer;
let staff: { token: string };
let op: { token: string };
beforeAll(async () => {
  t = await startTestServer();
  await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'points.pendingDays', 7, t.clock.now()));
  await tokens();
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  expect(await checkInvariants(t.ctx.db)).toEqual([]);
  expect(await invariant1Violations(t)).toEqual([]);
});

async function tokens() {
  staff = await t.staffToken('staff');
  op = await t.staffToken('operator');
}
const runRelease = async () => {
  const res = await t.http('POST', '/api/admin/jobs/points_pending_release/run', { token: op.token });
  expect(res.body.status).toBe('done');
  return res.body;
};
const close = (token: string) => t.http('POST', '/api/me/delete', { token, body: { confirm: 'DELETE' } });
const pendingRows = (memberId: number) =>
  t.ctx.db.read((q) =>
    q.all<{ state: string; points: number; cancelled: number }>(
      'SELECT state, points, cancelled FROM points_pending WHERE member_id = ? ORDER BY id',
      [memberId],
    ),
  );

test('the card and the export show pending points; closing the account cancels them, recorded, no debt', async () => {
  const m = await t.login('pc-close');
  const first = nextOrderNo();
  await checkout(t, staff.token, m.memberId, 10_000, first); // 100 pending
  await checkout(t, staff.token, m.memberId, 5_000); // 50 pending
  const refunded = await t.http('POST', '/api/staff/refunds', {
    token: staff.token,
    headers: { 'idempotency-key': 'pc-refund-1' },
    body: { orderNo: first, amountCents: 2_000 },
  });
  expect(refunded.body).toMatchObject({ pendingCancelled: 20 });
  const card = await t.http('GET', '/api/me/card', { token: m.token });
  expect(card.body).toMatchObject({ balance: 0, pendingPoints: 130 });

  const exported = (await t.http('GET', '/api/me/export', { token: m.token })).body;
  expect(exported.points.pending).toEqual([
    expect.objectContaining({ points: 100, cancelled: 20, released: 0, state: 'pending', reason: 'purchase' }),
    expect.objectContaining({ points: 50, cancelled: 0, state: 'pending', release_at: expect.stringMatching(/Z$/) }),
  ]);

  expect((await close(m.token)).status).toBe(200);
  expect((await pendingRows(m.memberId)).map((r) => [r.state, Number(r.cancelled)])).toEqual([
    ['cancelled', 100],
    ['cancelled', 50],
  ]);
  expect(
    await count(
      t,
      "SELECT COALESCE(SUM(delta), 0) AS n FROM points_pending_entries WHERE member_id = ? AND kind = 'cancel' AND idem_key LIKE 'cancel:closed:%'",
      [m.memberId],
    ),
  ).toBe(-130);
  const audit = await t.ctx.db.read((q) =>
    q.one<{ after_json: string }>("SELECT after_json FROM audit_log WHERE action = 'member.delete' AND target_id = ?", [
      String(m.memberId),
    ]),
  );
  expect(JSON.parse(audit!.after_json)).toEqual({ pendingCancelled: 130 });
  // Past the window the job has nothing of theirs to release: no credit, no debt.
  t.clock.advance(8 * 86_400_000);
  await tokens();
  await runRelease();
  expect((await t.ctx.points.summary(m.memberId, t.clock.now())).balance).toBe(0);
  expect(await count(t, 'SELECT COUNT(*) AS n FROM points_entries WHERE member_id = ?', [m.memberId])).toBe(0);
});

test('closing the account while the release job runs: each pending row is released or cancelled, never both', async () => {
  const members = [];
  for (let i = 0; i < 4; i++) {
    const m = await t.login(`pc-race-${i}`);
    await checkout(t, staff.token, m.memberId, 3_000);
    members.push(m);
  }
  t.clock.advance(8 * 86_400_000);
  await tokens();
  const tokensNow = await Promise.all(members.map((m, i) => t.login(`pc-race-${i}`)));
  const [released] = await Promise.all([runRelease(), ...tokensNow.map((m) => close(m.token))]);
  expect(released.status).toBe('done');
  for (const m of members) {
    const rows = await pendingRows(m.memberId);
    const credited = await count(t, 'SELECT COALESCE(SUM(delta), 0) AS n FROM points_entries WHERE member_id = ?', [
      m.memberId,
    ]);
    expect(rows).toHaveLength(1);
    if (rows[0].state === 'released') expect(credited).toBe(30);
    else expect([rows[0].state, credited]).toEqual(['cancelled', 0]);
  }
});
