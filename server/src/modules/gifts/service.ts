import { randomUUID } from 'node:crypto';
import type { Database, Q } from '../../db/database';
import { isAppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Ledger } from '../points/ledger';
import type { TierService } from '../tiers/service';
import { tierCodeOf } from '../tiers/store';
import { ordersOfMemberUpTo } from '../checkout/store';
import { giveGrantsIn, skipGrantIn, type Given } from './grant';
import { ONCE, parseLines, reachedBy } from './rules';
import * as store from './store';
import { Remembered } from '../../core/remembered';
import './invariants';

/** How long a drain holds the grants it claimed before another worker may take them. */
const LEASE_MS = 60_000;
/**
 * How long a trigger's enabled rules are remembered by an instance: every checkout
 * would otherwise read gift_rules. A change made on this instance is seen at once
 * (`forgetRules`), one made on another within this time, as with settings.
 */
const RULES_TTL_MS = 5000;

export interface DrainResult {
  claimed: number;
  granted: number;
  partial: number;
  skipped: number;
}

/**
 * Gift triggers and the grant worker. A trigger runs inside its cause's unit of
 * work (registration, checkout, tier upgrade) and only writes pending grants, one
 * per (rule, member, occurrence) by a unique key, so a trigger that fires twice at
 * once gives once and the cause never waits on, or fails for, shared stock. The
 * worker (`drain`, every few seconds on each instance) claims pending grants with
 * a lease on the database's clock and gives each in its own unit of work.
 */
export class GiftService {
  readonly instance = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private stopping = false;
  private readonly active = new Set<Promise<DrainResult>>();
  private readonly rulesByTrigger = new Remembered<string, store.RuleRow[]>(RULES_TTL_MS);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ledger: Ledger,
    private readonly tiers: TierService,
    private readonly logger: Logger,
  ) {}

  /** The trigger's enabled rules, remembered for RULES_TTL_MS (read in the caller's unit of work when not). */
  private enabledRules(q: Q, trigger: 'join' | 'first_order' | 'tier_reached'): Promise<store.RuleRow[]> {
    return this.rulesByTrigger.get(trigger, () => store.enabledRulesIn(q, trigger));
  }

  /** After rules changed: the next trigger reads them again. */
  forgetRules(): void {
    this.rulesByTrigger.forget();
  }

  /** Registration hook: the `join` rules. */
  async onRegisteredIn(q: Q, memberId: number, now: Date): Promise<void> {
    await this.fireIn(q, 'join', memberId, now);
  }

  /** Checkout hook: the `first_order` rules, when this order is the member's first. */
  async onPurchaseIn(q: Q, memberId: number, now: Date): Promise<void> {
    const rules = await this.enabledRules(q, 'first_order');
    if (!rules.length) return;
    // Two first orders racing both see one order (their own): the grant's unique key gives once.
    if ((await ordersOfMemberUpTo(q, memberId, 2)) !== 1) return;
    await this.writeIn(q, rules, memberId, now);
  }

  /** Tier hook: the `tier_reached` rules of every tier an upgrade reaches, once per tier per member. */
  async onTierChangedIn(q: Q, memberId: number, from: string, to: string, now: Date): Promise<void> {
    const rules = await this.enabledRules(q, 'tier_reached');
    if (!rules.length) return;
    const order = (await this.tiers.rules()).tiers.map((t) => t.code);
    const reached = reachedBy(rules, order, from, to);
    await store.insertGrantsIn(
      q,
      reached.map((r) => ({
        ruleId: Number(r.id),
        memberId,
        occurrence: r.tier_code!,
        trigger: 'tier_reached',
        points: Number(r.points),
        vouchersJson: r.vouchers_json,
      })),
      now.getTime(),
    );
  }

  private async fireIn(q: Q, trigger: 'join', memberId: number, now: Date): Promise<void> {
    const rules = await this.enabledRules(q, trigger);
    if (rules.length) await this.writeIn(q, rules, memberId, now);
  }

  /** Pending grants of once-only rules, for the rules whose tier (if any) is the member's. */
  private async writeIn(q: Q, rules: store.RuleRow[], memberId: number, now: Date): Promise<void> {
    const tier = rules.some((r) => r.tier_code !== null) ? await tierCodeOf(q, memberId) : undefined;
    const fit = rules.filter((r) => r.tier_code === null || r.tier_code === tier);
    await store.insertGrantsIn(
      q,
      fit.map((r) => ({
        ruleId: Number(r.id),
        memberId,
        occurrence: ONCE,
        trigger: r.trigger_kind,
        points: Number(r.points),
        vouchersJson: r.vouchers_json,
      })),
      now.getTime(),
    );
  }

  /**
   * The operator's simulation of a purchase: the enabled rules it would give (a
   * first order's when the member has no order yet, or for a member not named;
   * those of the tiers `from` -> `to` reaches that the member has not had). Writes nothing.
   */
  async simulateIn(q: Q, memberId: number | null, from: string, to: string, tierOrder: string[]) {
    const first = await store.enabledRulesIn(q, 'first_order');
    const isFirst = memberId === null || (await ordersOfMemberUpTo(q, memberId, 1)) === 0;
    const had = memberId === null ? new Set<string>() : await store.occurrencesOfMemberIn(q, memberId);
    const rules = [
      ...(isFirst ? first.filter((r) => r.tier_code === null || r.tier_code === from) : []),
      ...reachedBy(await store.enabledRulesIn(q, 'tier_reached'), tierOrder, from, to),
    ].filter((r) => !had.has(`${r.id}:${r.trigger_kind === 'first_order' ? ONCE : r.tier_code}`));
    return rules.map((r) => ({
      ruleId: String(r.id),
      name: r.name,
      trigger: r.trigger_kind,
      points: Number(r.points),
      vouchers: parseLines(r.vouchers_json).map((l) => ({ benefitId: String(l.benefitId), count: l.count })),
    }));
  }

  /**
   * Gives pending grants: claims up to `limit` under a fresh owner token, then
   * gives each in its own unit of work, fenced on the claim (a grant whose lease
   * lapsed and was taken over is left to its new owner). Stops between grants
   * when stopping or aborted and hands the rest back.
   */
  drain(limit = 200, signal?: AbortSignal): Promise<DrainResult> {
    const p = this.drainOnce(limit, signal);
    this.active.add(p);
    void p.catch(() => undefined).finally(() => this.active.delete(p));
    return p;
  }

  private async drainOnce(limit: number, signal?: AbortSignal): Promise<DrainResult> {
    const r: DrainResult = { claimed: 0, granted: 0, partial: 0, skipped: 0 };
    if (this.stopping) return r;
    const owner = `${this.instance}:${randomUUID().slice(0, 12)}`;
    const rows = await this.db.tx((q) => store.claimPendingIn(q, owner, limit, LEASE_MS));
    r.claimed = rows.length;
    let done = 0;
    try {
      for (const row of rows) {
        if (this.stopping || signal?.aborted) break;
        done++;
        let given: Given[] = [];
        try {
          given = await this.db.tx((q) => giveGrantsIn(q, this.ledger, [row], this.clock.now(), owner));
        } catch (err) {
          if (isAppError(err)) {
            // A refusal (the account was closed, say) will not change: recorded as skipped, not retried.
            await this.db.tx((q) => skipGrantIn(q, row, err.code, this.clock.now().getTime(), owner));
            r.skipped++;
            continue;
          }
          // Left pending under this claim: tried again once its lease runs out.
          this.logger.error({ grant: Number(row.id), err: (err as Error).message }, 'gift grant failed');
        }
        for (const g of given) r[g.status]++;
      }
    } finally {
      // Grants not tried (stopping) go back at once; a failed one waits for its lease.
      if (done < rows.length) await this.db.tx((q) => store.releaseClaimIn(q, owner)).catch(() => undefined);
    }
    return r;
  }

  /** Stops draining after the current grant; claimed grants not given are handed back. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.active]);
  }
}
