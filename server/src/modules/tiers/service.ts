import { evaluateTier, tierFor, tierProgress, type TierResponse, type TierRules, type TierView } from '@huiyuan/shared';
import { allOf, type Database, type Q } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import { enqueueIn } from '../notifications/outbox';
import { countsUntil, nextDueAt, windowStart } from './window';
import * as store from './store';

export interface GrowthOp {
  key: string;
  memberId: number;
  delta: number;
  source: string;
  label: string;
  ref?: string | null;
  storeId?: number | null;
}

export interface TierChange {
  from: string;
  to: string;
}
/** A tier a member is held at or above for now whatever their growth (a paid plan's floor), or null. */
export type TierFloor = (q: Q, memberId: number, now: Date) => Promise<string | null>;
/** The floors of several members at once (a check-in batch); members without one are absent. */
export type TierFloors = (q: Q, memberIds: number[], now: Date) => Promise<Map<number, string>>;
/** Work other capabilities do in the transaction of an upgrade (gifts for a tier reached). */
export type UpgradeHook = (q: Q, memberId: number, change: TierChange, now: Date) => Promise<void>;
export type Evaluation = {
  action: 'upgrade' | 'downgrade' | 'keep' | 'grace';
  from: string;
  to: string;
  growth: number;
};

const DAY_MS = 86_400_000;

/** The higher of a stored tier code and a floor (none: the stored code). */
function higherOf(rules: TierRules, code: string, floor: string | null | undefined): string {
  const rank = (c: string) => rules.tiers.findIndex((t) => t.code === c);
  return floor != null && rank(floor) > rank(code) ? floor : code;
}

export function toView(t: TierRules['tiers'][number]): TierView {
  return {
    code: t.code,
    name: t.name,
    minGrowth: t.minGrowth,
    multiplierPercent: t.multiplierPercent,
    benefits: [...t.benefits],
  };
}

/**
 * Growth value and tiers. Growth is an append-only ledger (growth_entries, idempotent
 * on key); the tier row is changed only under its row lock and by conditional
 * updates. Upgrades happen at once when growth arrives; downgrades only at
 * evaluation, after a grace period, so a refund never drops a tier on the spot.
 */
export class TierService {
  private readonly upgradeHooks: UpgradeHook[] = [];
  private floor: TierFloor | null = null;
  private floors: TierFloors | null = null;
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
  ) {}

  onUpgraded(hook: UpgradeHook): void {
    this.upgradeHooks.push(hook);
  }

  /**
   * Sets the floor the effective tier never goes below (paid membership). The
   * stored tier stays what growth earns; the floor only lifts what is read.
   */
  setFloor(floor: TierFloor, floors?: TierFloors): void {
    this.floor = floor;
    this.floors = floors ?? null;
  }

  /** The higher of a stored tier code and the member's floor now. */
  private async lifted(q: Q, memberId: number, code: string, rules: TierRules): Promise<string> {
    if (!this.floor) return code;
    return higherOf(rules, code, await this.floor(q, memberId, this.clock.now()));
  }

  rules(): Promise<TierRules> {
    return this.settings.get('tiers.rules');
  }

  /** Called at registration: every member starts in the lowest tier. */
  async ensureIn(q: Q, memberId: number, now: Date): Promise<void> {
    const rules = await this.rules();
    await store.insertTierRow(q, memberId, rules.tiers[0].code, now);
  }

  async growthInWindowIn(q: Q, memberId: number, now: Date, rules: TierRules): Promise<number> {
    return Math.max(0, await store.growthSince(q, memberId, windowStart(now, rules.windowMonths).getTime()));
  }

  /** The member's effective tier (stored, lifted to a paid plan's floor) for earning and gating, in the caller's transaction. */
  async tierOfIn(q: Q, memberId: number): Promise<TierView> {
    const rules = await this.rules();
    const stored = await store.tierCodeOf(q, memberId);
    const code = stored === undefined ? stored : await this.lifted(q, memberId, stored, rules);
    return toView(rules.tiers.find((t) => t.code === code) ?? rules.tiers[0]);
  }

  /**
   * Earning multipliers (percent) of several members' stored tiers in one read
   * (a check-in batch); members without a tier row are absent.
   */
  async multipliersOfIn(q: Q, memberIds: number[]): Promise<Map<number, number>> {
    const rules = await this.rules();
    const codes = await store.tierCodesOf(q, memberIds);
    const byCode = new Map(rules.tiers.map((t) => [t.code, toView(t).multiplierPercent]));
    const lowest = toView(rules.tiers[0]).multiplierPercent;
    const floors = this.floors ? await this.floors(q, memberIds, this.clock.now()) : new Map<number, string>();
    const out = new Map<number, number>();
    for (const [memberId, stored] of codes)
      out.set(memberId, byCode.get(higherOf(rules, stored, floors.get(memberId))) ?? lowest);
    return out;
  }

  /** Appends growth (ignored when the key was already applied) and upgrades at once when a threshold is crossed. */
  async addGrowthIn(q: Q, op: GrowthOp, now: Date): Promise<{ applied: boolean; change: TierChange | null }> {
    const rules = await this.rules();
    // The tier row lock serialises growth per member, so two concurrent purchases
    // that cross a threshold together are both counted by the second. The lock, the
    // entry and the sum are sent together, in this order (one round trip on MySQL).
    const [locked, inserted, summed] = await allOf([
      store.tierRow(q, op.memberId, true),
      store.insertGrowth(q, { ...op, ref: op.ref ?? null, storeId: op.storeId ?? null }, now),
      op.delta > 0 ? this.growthInWindowIn(q, op.memberId, now, rules) : 0,
    ]);
    let current = locked;
    let growth = summed;
    if (!current) {
      // No tier row yet, so nothing was locked: create and lock it, then sum again under the lock.
      current = await this.lockIn(q, op.memberId, now, rules);
      if (op.delta > 0) growth = await this.growthInWindowIn(q, op.memberId, now, rules);
    }
    if (inserted !== 1) return { applied: false, change: null };
    // The nightly evaluation visits only due members: a refund, or growth during a
    // grace period, is looked at tonight; any growth at the latest when it leaves the window.
    if (op.delta !== 0) {
      const due = op.delta < 0 || current.grace_until !== null ? 0 : countsUntil(now, rules.windowMonths).getTime();
      await q.defer([store.dueByStep(op.memberId, due)]);
    }
    if (op.delta <= 0) return { applied: true, change: null };
    const target = tierFor(rules, growth);
    if (evaluateTier(rules, current.tier_code, growth).action !== 'upgrade') return { applied: true, change: null };
    const change = await this.moveIn(q, op.memberId, current.tier_code, target.code, now, rules, `growth:${op.key}`);
    return { applied: true, change };
  }

  /**
   * Evaluation (scheduled job or operator): upgrades a missed upgrade, starts a
   * grace period when growth no longer keeps the tier, lowers it when the grace
   * period is over, and clears the grace period when growth recovered.
   */
  async evaluateIn(q: Q, memberId: number, now: Date): Promise<Evaluation> {
    const rules = await this.rules();
    const current = await this.lockIn(q, memberId, now, rules);
    const growth = await this.growthInWindowIn(q, memberId, now, rules);
    const decision = evaluateTier(rules, current.tier_code, growth);
    await store.markEvaluated(q, memberId, now);
    if (decision.action === 'upgrade') {
      await this.moveIn(q, memberId, current.tier_code, decision.to, now, rules, `eval:${now.getTime()}`);
      await this.setNextDue(q, memberId, now, rules, null);
      return { action: 'upgrade', from: current.tier_code, to: decision.to, growth };
    }
    if (decision.action === 'keep') {
      if (current.grace_until !== null) await store.clearGrace(q, memberId, now);
      await this.setNextDue(q, memberId, now, rules, null);
      return { action: 'keep', from: current.tier_code, to: current.tier_code, growth };
    }
    const graceUntil = current.grace_until === null ? null : Number(current.grace_until);
    if (graceUntil === null && rules.graceDays > 0) {
      const until = now.getTime() + rules.graceDays * DAY_MS;
      await this.setNextDue(q, memberId, now, rules, until);
      await store.startGrace(q, memberId, until, now);
      await enqueueIn(
        q,
        {
          dedupeKey: `tier-risk:${memberId}:${current.tier_code}:${current.since_at}`,
          kind: 'tier_at_risk',
          memberId,
          payload: {
            tier: current.tier_code,
            graceUntil: new Date(until).toISOString(),
            needed: tierProgress(rules, current.tier_code, growth).keep.needed,
          },
        },
        now,
      );
      return { action: 'grace', from: current.tier_code, to: current.tier_code, growth };
    }
    if (graceUntil !== null && graceUntil > now.getTime()) {
      await this.setNextDue(q, memberId, now, rules, graceUntil);
      return { action: 'grace', from: current.tier_code, to: current.tier_code, growth };
    }
    await this.moveIn(q, memberId, current.tier_code, decision.to, now, rules, `eval:${now.getTime()}`);
    await this.setNextDue(q, memberId, now, rules, null);
    return { action: 'downgrade', from: current.tier_code, to: decision.to, growth };
  }

  /** Sets when this member's tier could next change with no new growth (`nextDueAt`). */
  private async setNextDue(q: Q, memberId: number, now: Date, rules: TierRules, graceUntil: number | null) {
    const oldest = await store.oldestGrowthSince(q, memberId, windowStart(now, rules.windowMonths).getTime());
    await store.setDue(q, memberId, nextDueAt(oldest, graceUntil, now.getTime(), rules.windowMonths));
  }

  async view(memberId: number, now: Date): Promise<TierResponse> {
    const rules = await this.rules();
    return this.db.read(async (q) => {
      const row = await store.tierRow(q, memberId);
      const stored = row?.tier_code ?? rules.tiers[0].code;
      // Shown at the paid floor when above; progress and keeping count from the tier growth earned.
      const code = await this.lifted(q, memberId, stored, rules);
      const growth = await this.growthInWindowIn(q, memberId, now, rules);
      const from = windowStart(now, rules.windowMonths);
      const entries = await store.recentGrowth(q, memberId, from.getTime(), 100);
      const p = tierProgress(rules, stored, growth);
      const current = rules.tiers.find((t) => t.code === code) ?? rules.tiers[0];
      const next = p.next ? rules.tiers.find((t) => t.code === p.next!.code)! : null;
      return {
        current: toView(current),
        since: new Date(Number(row?.since_at ?? now.getTime())).toISOString(),
        growthInWindow: growth,
        window: { months: rules.windowMonths, from: from.toISOString() },
        next: next ? { tier: toView(next), needed: p.next!.needed } : null,
        keep: {
          minGrowth: current.minGrowth,
          needed: p.keep.needed,
          atRisk: p.keep.needed > 0,
          graceUntil: row?.grace_until == null ? null : new Date(Number(row.grace_until)).toISOString(),
        },
        tiers: rules.tiers.map(toView),
        entries: entries.map((e) => ({
          id: String(e.id),
          delta: Number(e.delta),
          source: e.source,
          label: e.label ?? e.source,
          ref: e.ref,
          createdAt: new Date(Number(e.created_at)).toISOString(),
          countsUntil: countsUntil(new Date(Number(e.created_at)), rules.windowMonths).toISOString(),
        })),
      };
    });
  }

  private async lockIn(q: Q, memberId: number, now: Date, rules: TierRules) {
    let row = await store.tierRow(q, memberId, true);
    if (!row) {
      await store.insertTierRow(q, memberId, rules.tiers[0].code, now);
      row = await store.tierRow(q, memberId, true);
    }
    return row!;
  }

  private async moveIn(
    q: Q,
    memberId: number,
    from: string,
    to: string,
    now: Date,
    rules: TierRules,
    cause: string,
  ): Promise<TierChange | null> {
    const moved = await store.moveTier(q, memberId, from, to, now);
    if (moved !== 1) return null;
    const name = (code: string) => rules.tiers.find((t) => t.code === code)?.name ?? code;
    const rank = (code: string) => rules.tiers.findIndex((t) => t.code === code);
    await enqueueIn(
      q,
      {
        dedupeKey: `tier:${memberId}:${cause}`,
        kind: 'tier_changed',
        memberId,
        payload: {
          from,
          to,
          fromName: name(from),
          toName: name(to),
          direction: rank(to) > rank(from) ? 'up' : 'down',
          at: now.toISOString(),
        },
      },
      now,
    );
    if (rank(to) > rank(from)) for (const hook of this.upgradeHooks) await hook(q, memberId, { from, to }, now);
    return { from, to };
  }
}
