import { DEFAULT_TIER_RULES } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { ManualClock } from '../src/core/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/**
 * Two servers live through the same random growth, day after day: one runs the
 * nightly evaluation as scheduled (due members only), the other the full pass.
 * Every night their tiers and grace periods must agree.
 */
const START = Date.parse('2026-03-01T02:00:00Z'); // 10:00 in Shanghai
const DAY = 86_400_000;
let due: TestServer;
let full: TestServer;
beforeAll(async () => {
  due = await startTestServer({ clock: new ManualClock(new Date(START)) });
  full = await startTestServer({ clock: new ManualClock(new Date(START)) });
});
afterAll(async () => {
  await due.close();
  await full.close();
});

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const tiersOf = (t: TestServer) =>
  t.ctx.db.read((q) =>
    q.all<{ member_id: number; tier_code: string; grace_until: number | null }>(
      'SELECT member_id, tier_code, grace_until FROM member_tiers ORDER BY member_id',
    ),
  );

test('evaluating only due members gives the same tiers and grace periods as the full pass', async () => {
  const rules = { ...DEFAULT_TIER_RULES, windowMonths: 1, graceDays: 5 };
  const members: number[] = [];
  for (const t of [due, full]) {
    await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'tiers.rules', rules, t.clock.now()));
    for (let i = 0; i < 24; i++) members.push((await t.login(`tier-due-${i}`)).memberId);
  }
  const ids = members.slice(0, 24);
  expect(members.slice(24)).toEqual(ids); // the same ids on both servers
  // Past the nights that follow a rules change (those are full passes on purpose).
  for (const t of [due, full]) t.clock.set(new Date(START + 3 * DAY));
  const rand = rng(13);
  let dueVisits = 0;
  let fullVisits = 0;
  for (let day = 3; day < 110; day++) {
    // Daytime: some members buy (growth), a few are refunded (negative growth).
    const ops = ids.flatMap((memberId, i) => {
      if (rand() > 0.12) return [];
      const delta = rand() < 0.2 ? -Math.floor(300 + rand() * 1700) : Math.floor(500 + rand() * 3500);
      return [{ key: `sim:${day}:${i}`, memberId, delta, source: 'purchase', label: 'sim' }];
    });
    for (const t of [due, full]) {
      t.clock.set(new Date(START + day * DAY));
      for (const op of ops) await t.ctx.db.tx((q) => t.ctx.tiers.addGrowthIn(q, op, t.clock.now()));
      t.clock.set(new Date(START + day * DAY + 17 * 3_600_000)); // 03:00 the next morning in Shanghai
    }
    const a = await due.ctx.jobs.run('tier_evaluation', 'scheduler', true);
    const b = await full.ctx.jobs.run('tier_evaluation', 'test');
    expect([a.status, a.detail.mode, b.status, b.detail.mode]).toEqual(['done', 'due', 'done', 'full']);
    dueVisits += a.processed;
    fullVisits += b.processed;
    expect(await tiersOf(due)).toEqual(await tiersOf(full));
  }
  // The histories really moved tiers both ways, and the due pass visited far fewer members.
  const moves = await due.ctx.db.read((q) =>
    q.all<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'tier_changed'"),
  );
  expect(Number(moves[0].n)).toBeGreaterThan(10);
  expect(dueVisits).toBeLessThan(fullVisits / 2);
  expect(await checkInvariants(due.ctx.db)).toEqual([]);
  expect(await checkInvariants(full.ctx.db)).toEqual([]);
});
