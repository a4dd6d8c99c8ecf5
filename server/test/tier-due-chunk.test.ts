import { DEFAULT_TIER_RULES } from '@huiyuan/shared';
import { startTestServer, type TestServer } from './harness';
import { ManualClock } from '../src/core/clock';
import { checkInvariants } from '../src/modules/reconcile/invariants';

/**
 * The set-based evaluation (the job, a chunk per unit of work) against the
 * member-by-member `evaluateIn`: two servers live through the same random
 * growth, one runs the job every night, the other evaluates each member on its
 * own. Their tier rows (tier, since, grace, evaluated, next due) and outbox
 * rows must agree every night.
 */
const START = Date.parse('2026-03-01T02:00:00Z');
const DAY = 86_400_000;
let chunked: TestServer;
let single: TestServer;
beforeAll(async () => {
  chunked = await startTestServer({ clock: new ManualClock(new Date(START)) });
  single = await startTestServer({ clock: new ManualClock(new Date(START)) });
});
afterAll(async () => {
  await chunked.close();
  await single.close();
});

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const state = (t: TestServer) =>
  t.ctx.db.read(async (q) => ({
    tiers: (
      await q.all<Record<string, unknown>>(
        'SELECT member_id, tier_code, since_at, grace_until, evaluated_at, due_at, updated_at FROM member_tiers ORDER BY member_id',
      )
    ).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)]))),
    outbox: await q.all<Record<string, unknown>>(
      'SELECT dedupe_key, kind, member_id, payload_json FROM outbox ORDER BY dedupe_key',
    ),
  }));

test('the set-based evaluation decides and records what evaluating each member alone does', async () => {
  const rules = { ...DEFAULT_TIER_RULES, windowMonths: 1, graceDays: 4 };
  const ids: number[][] = [[], []];
  for (const [i, t] of [chunked, single].entries()) {
    await t.ctx.db.tx((q) => t.ctx.settings.set(q, 'tiers.rules', rules, t.clock.now()));
    for (let m = 0; m < 30; m++) ids[i].push((await t.login(`tier-chunk-${m}`)).memberId);
  }
  expect(ids[1]).toEqual(ids[0]);
  const rand = rng(29);
  const moves = { chunked: 0 };
  for (let day = 1; day < 80; day++) {
    const ops = ids[0].flatMap((memberId, i) => {
      if (rand() > 0.15) return [];
      const delta = rand() < 0.25 ? -Math.floor(200 + rand() * 2500) : Math.floor(400 + rand() * 4000);
      return [{ key: `chunk:${day}:${i}`, memberId, delta, source: 'purchase', label: 'sim' }];
    });
    for (const t of [chunked, single]) {
      t.clock.set(new Date(START + day * DAY));
      for (const op of ops) await t.ctx.db.tx((q) => t.ctx.tiers.addGrowthIn(q, op, t.clock.now()));
      t.clock.set(new Date(START + day * DAY + 17 * 3_600_000));
    }
    const run = await chunked.ctx.jobs.run('tier_evaluation', 'test');
    expect([run.status, run.processed]).toEqual(['done', 30]);
    moves.chunked += Number(run.detail.upgrade ?? 0) + Number(run.detail.downgrade ?? 0);
    const now = single.clock.now();
    for (const id of ids[1]) await single.ctx.db.tx((q) => single.ctx.tiers.evaluateIn(q, id, now));
    expect(await state(chunked)).toEqual(await state(single));
  }
  // The history exercised every branch: moves both ways, grace periods started, kept and cleared.
  const kinds = await chunked.ctx.db.read((q) =>
    q.all<{ kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM outbox GROUP BY kind ORDER BY kind'),
  );
  expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['tier_at_risk', 'tier_changed']));
  expect(moves.chunked).toBeGreaterThan(5);
  expect(await checkInvariants(chunked.ctx.db)).toEqual([]);
});
