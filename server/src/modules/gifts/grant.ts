import type { Q } from '../../db/database';
import type { Ledger, LedgerOp } from '../points/ledger';
import { benefitIn, type BenefitRow } from '../benefits/store';
import { issueVoucherIn } from '../benefits/issue';
import { enqueueManyIn, type OutboxMessage } from '../notifications/outbox';
import { finishGrantStep, takeGrantsIn, type GrantRow } from './store';
import {
  grantMessage,
  grantStatus,
  ledgerKeyOf,
  parseLines,
  TIER_BIRTHDAY_RULE,
  voucherKeyOf,
  type VoucherOutcome,
} from './rules';

/** A grant given now: its final status, whether its points were credited now (not earlier), each line's outcome. */
export interface Given {
  grant: GrantRow;
  status: 'granted' | 'partial' | 'skipped';
  credited: boolean;
  vouchers: VoucherOutcome[];
}

/**
 * Gives pending grants in the caller's unit of work: the one way a gift is given.
 * First the guarded flips (pending -> granted; a grant someone else gave is left
 * out), then the points through the ledger (one set-based credit per rule: a
 * rule's grants are for distinct members), then each voucher through the benefits
 * module's issue rule (stock, per-member limit, validity). A voucher the rules
 * refuse (sold out, say) is recorded on the grant as skipped, never retried and
 * never an error: the grant ends `partial` or `skipped`, visible to operators.
 * A grant that gave something writes the member's `gift_granted` message.
 */
export async function giveGrantsIn(
  q: Q,
  ledger: Ledger,
  rows: GrantRow[],
  now: Date,
  owner?: string,
): Promise<Given[]> {
  const mine = await takeGrantsIn(
    q,
    rows.map((r) => Number(r.id)),
    now.getTime(),
    owner,
  );
  const taken = rows.filter((r) => mine.has(Number(r.id)));
  if (!taken.length) return [];

  const credited = new Set<string>();
  const byRule = new Map<number, GrantRow[]>();
  for (const g of taken) byRule.set(Number(g.rule_id), [...(byRule.get(Number(g.rule_id)) ?? []), g]);
  for (const [ruleId, grants] of byRule) {
    const ops: LedgerOp[] = grants
      .filter((g) => Number(g.points) > 0)
      .map((g) => ({
        key: ledgerKeyOf(g),
        memberId: Number(g.member_id),
        points: Number(g.points),
        type: 'credit',
        reason: ruleId === TIER_BIRTHDAY_RULE ? 'birthday_gift' : 'gift',
        ref: ruleId === TIER_BIRTHDAY_RULE ? `birthday:${g.occurrence}` : `gift_rule:${ruleId}`,
      }));
    // A key already in the ledger (given before these rows existed) is not credited twice.
    for (const key of (await ledger.creditBatchIn(q, ops)).keys()) credited.add(key);
  }

  const vouchers = new VoucherGiver(q, now.getTime());
  const out: Given[] = [];
  for (const g of taken) {
    const lines: VoucherOutcome[] = [];
    for (const line of parseLines(g.vouchers_json)) {
      const o: VoucherOutcome = { ...line, given: 0, skipped: null };
      for (let n = 0; n < line.count && o.skipped === null; n++) {
        const why = await vouchers.give(line.benefitId, Number(g.member_id), voucherKeyOf(g, line.benefitId, n));
        if (why === null) o.given++;
        else o.skipped = why;
      }
      lines.push(o);
    }
    out.push({
      grant: g,
      status: grantStatus(Number(g.points), lines),
      credited: credited.has(ledgerKeyOf(g)),
      vouchers: lines,
    });
  }
  await q.script(
    out.map((o) => finishGrantStep(Number(o.grant.id), o.status, JSON.stringify({ vouchers: o.vouchers }))),
  );
  // The member hears of what was given, once per grant (its id is the dedupe key), with the grant.
  const messages: OutboxMessage[] = [];
  for (const o of out) {
    const m = grantMessage(o.grant, o.status, o.vouchers);
    if (m)
      messages.push({
        dedupeKey: `gift:${o.grant.id}`,
        kind: 'gift_granted',
        memberId: Number(o.grant.member_id),
        payload: m,
      });
  }
  if (messages.length) await enqueueManyIn(q, messages, now);
  return out;
}

/** Issues gift vouchers within one unit of work, reading each benefit once and remembering what sold out. */
class VoucherGiver {
  private readonly benefits = new Map<number, BenefitRow | null>();
  private readonly soldOut = new Set<number>();
  constructor(
    private readonly q: Q,
    private readonly now: number,
  ) {}

  /** null when given, else why not. */
  async give(benefitId: number, memberId: number, requestKey: string): Promise<string | null> {
    if (!this.benefits.has(benefitId)) this.benefits.set(benefitId, (await benefitIn(this.q, benefitId)) ?? null);
    const b = this.benefits.get(benefitId);
    // A hidden benefit is not in the mall but may still be given: gift-only vouchers.
    if (!b || b.status === 'deleted') return 'unavailable';
    if (this.soldOut.has(benefitId)) return 'out_of_stock';
    const v = await issueVoucherIn(this.q, b, { memberId, requestKey, now: this.now, gift: true });
    if (v) return null;
    const left = Number((await benefitIn(this.q, benefitId))?.stock_left ?? 0);
    if (left > 0) return 'refused';
    this.soldOut.add(benefitId);
    return 'out_of_stock';
  }
}

/** Records a grant that cannot be given (a refusal that will not change) as skipped, if it is still pending. */
export async function skipGrantIn(q: Q, g: GrantRow, why: string, now: number, owner?: string): Promise<void> {
  if (!(await takeGrantsIn(q, [Number(g.id)], now, owner)).size) return;
  await q.script([finishGrantStep(Number(g.id), 'skipped', JSON.stringify({ vouchers: [], error: why }))]);
}
