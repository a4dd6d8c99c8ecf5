import { startTestServer, type TestServer } from './harness';
import { checkout } from './checkout-helpers';
import { LOOKBACK_MS, reconcile } from '../src/modules/reconcile/incremental';

/** The incremental reconcile checks the members touched since its last run; the full pass checks everyone. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const HOUR = 3_600_000;
const exec = (sql: string, params: unknown[]) => t.ctx.db.tx((q) => q.exec(sql, params));
const run = (full = false) => reconcile(t.ctx.db, { full, now: t.clock.now().getTime() });
const brokenMembers = (r: { violations: { detail: Record<string, unknown> }[] }) =>
  [...new Set(r.violations.map((v) => Number(v.detail.member_id)))].sort((a, b) => a - b);

test('a corrupted member touched since the last run is caught; an untouched one waits for the full pass', async () => {
  const staff = await t.staffToken('staff');
  const quiet = await t.login('rec-quiet');
  const busy = await t.login('rec-busy');
  expect((await checkout(t, staff.token, quiet.memberId, 5_000)).status).toBe(200);
  t.clock.advance(HOUR); // the quiet member's last change is well before the first run
  expect((await checkout(t, staff.token, busy.memberId, 5_000)).status).toBe(200);
  // No run yet: the first one is the full pass.
  const firstAt = t.clock.now().getTime();
  const first = await run();
  expect([first.mode, first.violations]).toEqual(['full', []]);

  t.clock.advance(2 * HOUR);
  // The quiet member's balance is corrupted without touching its account's marker (as a bad manual edit would).
  const quietAt = await t.ctx.db.read((q) =>
    q.one<{ updated_at: number }>('SELECT updated_at FROM points_accounts WHERE member_id = ?', [quiet.memberId]),
  );
  await exec('UPDATE points_accounts SET balance = balance + 7, updated_at = ? WHERE member_id = ?', [
    Number(quietAt!.updated_at),
    quiet.memberId,
  ]);
  // The busy member buys again, and then its balance is corrupted too.
  expect((await checkout(t, staff.token, busy.memberId, 3_000)).status).toBe(200);
  await exec('UPDATE points_accounts SET balance = balance + 11 WHERE member_id = ?', [busy.memberId]);

  const incremental = await run();
  expect(incremental.mode).toBe('incremental');
  expect(incremental.since).toBe(firstAt - LOOKBACK_MS);
  expect(incremental.members).toBe(1);
  expect(brokenMembers(incremental)).toEqual([busy.memberId]);
  expect(incremental.violations.map((v) => v.invariant).sort()).toEqual([
    'ledger: cached balance = sum of entries',
    'ledger: sum of lot remainders = balance (0 when in debt)',
  ]);

  const full = await run(true);
  expect(full.mode).toBe('full');
  expect(brokenMembers(full)).toEqual([quiet.memberId, busy.memberId].sort((a, b) => a - b));

  // Repaired, the next incremental pass is clean.
  await exec('UPDATE points_accounts SET balance = balance - 7 WHERE member_id = ?', [quiet.memberId]);
  await exec('UPDATE points_accounts SET balance = balance - 11 WHERE member_id = ?', [busy.memberId]);
  t.clock.advance(2 * HOUR);
  const after = await run();
  expect([after.mode, after.violations]).toEqual(['incremental', []]);
  expect((await run(true)).violations).toEqual([]);
});
