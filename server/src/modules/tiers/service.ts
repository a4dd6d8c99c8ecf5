import { evaluateTier, tierFor, tierProgress, type TierResponse, type TierRules, type TierView } from '@huiyuan/shared';
import { sql, type Database, type Q } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import { enqueueIn } from '../notifications/outbox';
import { countsUntil, windowStart } from './window';

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
export type Evaluation = {
  action: 'upgrade' | 'downgrade' | 'keep' | 'grace';
  from: string;
  to: string;
  growth: number;
};

const DAY_MS = 86_400_000;

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
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
  ) {}

  rules(): Promise<TierRules> {
    return this.settings.get('tiers.rules');
  }

  /** Called at registration: every member starts in the lowest tier. */
  async ensureIn(q: Q, memberId: number, now: Date): Promise<void> {
    const rules = await this.rules();
    await q.exec(
      `${sql.insertIgnore(q.dialect)} INTO member_tiers (member_id, tier_code, since_at, updated_at) VALUES (?, ?, ?, ?)`,
      [memberId, rules.tiers[0].code, now.getTime(), now.getTime()],
    );
  }

  async growthInWindowIn(q: Q, memberId: number, now: Date, rules: TierRules): Promise<number> {
    const row = await q.one<{ total: number | null }>(
      'SELECT SUM(delta) AS total FROM growth_entries WHERE member_id = ? AND created_at >= ?',
      [memberId, windowStart(now, rules.windowMonths).getTime()],
    );
    return Math.max(0, Number(row?.total ?? 0));
  }

  /** The member's tier for earning (multiplier), read inside the caller's transaction. */
  async tierOfIn(q: Q, memberId: number): Promise<TierView> {
    const rules = await this.rules();
    const row = await q.one<{ tier_code: string }>('SELECT tier_code FROM member_tiers WHERE member_id = ?', [
      memberId,
    ]);
    return toView(rules.tiers.find((t) => t.code === row?.tier_code) ?? rules.tiers[0]);
  }

  /** Appends growth (ignored when the key was already applied) and upgrades at once when a threshold is crossed. */
  async addGrowthIn(q: Q, op: GrowthOp, now: Date): Promise<{ applied: boolean; change: TierChange | null }> {
    const rules = await this.rules();
    // The tier row lock serialises growth per member, so two concurrent purchases
    // that cross a threshold together are both counted by the second.
    const current = await this.lockIn(q, op.memberId, now, rules);
    const inserted = await q.exec(
      `${sql.insertIgnore(q.dialect)} INTO growth_entries (member_id, delta, source, ref, label, idem_key, store_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        op.memberId,
        op.delta,
        op.source,
        op.ref ?? null,
        op.label.slice(0, 128),
        op.key,
        op.storeId ?? null,
        now.getTime(),
      ],
    );
    if (inserted !== 1) return { applied: false, change: null };
    if (op.delta <= 0) return { applied: true, change: null };
    const growth = await this.growthInWindowIn(q, op.memberId, now, rules);
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
    await q.exec('UPDATE member_tiers SET evaluated_at = ? WHERE member_id = ?', [now.getTime(), memberId]);
    if (decision.action === 'upgrade') {
      await this.moveIn(q, memberId, current.tier_code, decision.to, now, rules, `eval:${now.getTime()}`);
      return { action: 'upgrade', from: current.tier_code, to: decision.to, growth };
    }
    if (decision.action === 'keep') {
      if (current.grace_until !== null)
        await q.exec('UPDATE member_tiers SET grace_until = NULL, updated_at = ? WHERE member_id = ?', [
          now.getTime(),
          memberId,
        ]);
      return { action: 'keep', from: current.tier_code, to: current.tier_code, growth };
    }
    const graceUntil = current.grace_until === null ? null : Number(current.grace_until);
    if (graceUntil === null && rules.graceDays > 0) {
      const until = now.getTime() + rules.graceDays * DAY_MS;
      await q.exec(
        'UPDATE member_tiers SET grace_until = ?, updated_at = ? WHERE member_id = ? AND grace_until IS NULL',
        [until, now.getTime(), memberId],
      );
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
    if (graceUntil !== null && graceUntil > now.getTime())
      return { action: 'grace', from: current.tier_code, to: current.tier_code, growth };
    await this.moveIn(q, memberId, current.tier_code, decision.to, now, rules, `eval:${now.getTime()}`);
    return { action: 'downgrade', from: current.tier_code, to: decision.to, growth };
  }

  async view(memberId: number, now: Date): Promise<TierResponse> {
    const rules = await this.rules();
    return this.db.read(async (q) => {
      const row = await q.one<{ tier_code: string; since_at: number; grace_until: number | null }>(
        'SELECT tier_code, since_at, grace_until FROM member_tiers WHERE member_id = ?',
        [memberId],
      );
      const code = row?.tier_code ?? rules.tiers[0].code;
      const growth = await this.growthInWindowIn(q, memberId, now, rules);
      const from = windowStart(now, rules.windowMonths);
      const entries = await q.all<{
        id: number;
        delta: number;
        source: string;
        label: string | null;
        ref: string | null;
        created_at: number;
      }>(
        'SELECT id, delta, source, label, ref, created_at FROM growth_entries WHERE member_id = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT 100',
        [memberId, from.getTime()],
      );
      const p = tierProgress(rules, code, growth);
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
    const select = `SELECT tier_code, since_at, grace_until FROM member_tiers WHERE member_id = ?${q.dialect === 'mysql' ? ' FOR UPDATE' : ''}`;
    let row = await q.one<{ tier_code: string; since_at: number; grace_until: number | null }>(select, [memberId]);
    if (!row) {
      await q.exec(
        `${sql.insertIgnore(q.dialect)} INTO member_tiers (member_id, tier_code, since_at, updated_at) VALUES (?, ?, ?, ?)`,
        [memberId, rules.tiers[0].code, now.getTime(), now.getTime()],
      );
      row = await q.one(select, [memberId]);
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
    const moved = await q.exec(
      'UPDATE member_tiers SET tier_code = ?, since_at = ?, grace_until = NULL, updated_at = ? WHERE member_id = ? AND tier_code = ?',
      [to, now.getTime(), now.getTime(), memberId, from],
    );
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
    return { from, to };
  }
}
