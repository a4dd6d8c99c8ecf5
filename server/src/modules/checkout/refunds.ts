import { createHash } from 'node:crypto';
import { z } from 'zod';
import { redeemedBack, type RefundResponse } from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { StaffPrincipal } from '../../core/principals';
import type { Clock } from '../../core/clock';
import type { Ledger } from '../points/ledger';
import type { PendingPoints } from '../points/pending';
import { balanceOf } from '../points/store';
import type { TierService } from '../tiers/service';
import { audit } from '../audit/audit';
import { yuan } from './service';
import { requireStore } from '../../core/principals';
import * as orderStore from './store';
import { redeemBackKey } from './redeem';
import { takeBack } from '../caps/service';

type Refund = z.infer<typeof RefundResponse>;

/** What a refund took back of an order, for other capabilities' hooks. */
export interface RefundedShare {
  memberId: number;
  storeId: number;
  orderNo: string;
  amountCents: number;
  /** Refunded before and after this refund, in cents. */
  refundedBefore: number;
  refundedAfter: number;
}
const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/**
 * How much of `total` must be taken back once `refunded` of `amount` cents is refunded.
 * Rounded up, so a member never keeps points for money they got back; a full
 * refund takes back exactly everything.
 */
export function owedBack(total: number, refunded: number, amount: number): number {
  return Number((BigInt(total) * BigInt(refunded) + BigInt(amount) - 1n) / BigInt(amount));
}

/**
 * Full and partial refunds of a store's order, idempotent on the Idempotency-Key
 * header. The order's refunded amount grows by a conditional update (never past
 * the order amount). Earned points are taken back: from the pending points while
 * they are still held (no debt), else through the ledger (a debt when they were
 * already spent); growth by a negative growth entry. Points the order was paid
 * with come back in proportion (`redeemedBack`). The amount refunded is a share
 * of the order amount (points discount included): refunding X of an order of A
 * gives back about X/A of each part.
 */
export class RefundService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ledger: Ledger,
    private readonly pending: PendingPoints,
    private readonly tiers: TierService,
    /** Runs in the refund's unit of work (paid membership gives back the yearly cap its extra points took). */
    private readonly onRefund?: (q: Q, r: RefundedShare) => Promise<void>,
  ) {}

  async refund(
    staff: StaffPrincipal,
    req: { orderNo: string; amountCents: number },
    key: string,
    requestId?: string,
  ): Promise<Refund> {
    const storeId = requireStore(staff);
    const hash = sha([req.orderNo, req.amountCents]);
    return this.db.tx(async (q) => {
      const prior = await this.replay(q, storeId, key, hash);
      if (prior) return prior;
      const now = this.clock.now();
      const order = await orderStore.lockOrder(q, storeId, req.orderNo);
      if (!order) throw new AppError('ORDER_NOT_FOUND');
      const amount = Number(order.amount_cents);
      const grown = await orderStore.addRefundedCents(q, Number(order.id), req.amountCents, now);
      if (grown !== 1)
        throw new AppError('REFUND_EXCEEDS_ORDER', undefined, {
          refundableCents: amount - Number(order.refunded_cents),
        });
      const refundedTotal = Number(order.refunded_cents) + req.amountCents;
      const points = owedBack(Number(order.points), refundedTotal, amount) - Number(order.refunded_points);
      const growth = owedBack(Number(order.growth), refundedTotal, amount) - Number(order.refunded_growth);
      const returned =
        redeemedBack(Number(order.redeemed_points), refundedTotal, amount) - Number(order.redeem_returned);
      await orderStore.addClawedBack(q, Number(order.id), points, growth, returned);
      const memberId = Number(order.member_id);
      // Points paid with and given back no longer count against the day's allowance at tills
      // (counters before the account: the lock order of the checkout).
      if (returned > 0) await takeBack(q, 'member_redeem', memberId, String(order.business_date), returned);
      await this.onRefund?.(q, {
        memberId,
        storeId,
        orderNo: req.orderNo,
        amountCents: amount,
        refundedBefore: Number(order.refunded_cents),
        refundedAfter: refundedTotal,
      });
      // Still pending: cancelled there, never reaching the balance. The pending row is locked before the account.
      const held =
        points > 0 &&
        (await this.pending.cancelIn(q, `checkout:${storeId}:${req.orderNo}`, points, `refund:${storeId}:${key}`));
      const pendingCancelled = held ? points : 0;
      const refundId = await this.insertRefund(
        q,
        {
          orderId: Number(order.id),
          storeId,
          key,
          req,
          points,
          growth,
          staffId: staff.id,
          hash,
          redeemReturned: returned,
          pendingCancelled,
        },
        now,
      );
      let balance: number | null = null;
      if (points > 0 && !held) {
        const r = await this.ledger.reverseIn(q, {
          key: `refund:${storeId}:${key}`,
          memberId,
          points,
          type: 'reversal',
          reason: 'refund',
          ref: `refund:${refundId}`,
          storeId,
          operatorId: staff.id,
        });
        balance = r.balanceAfter;
      }
      if (returned > 0) {
        const r = await this.ledger.creditIn(q, {
          key: redeemBackKey(storeId, key),
          memberId,
          points: returned,
          type: 'credit',
          reason: 'checkout_redeem_refund',
          ref: `refund:${refundId}`,
          storeId,
          operatorId: staff.id,
        });
        balance = r.balanceAfter;
      }
      balance ??= (await balanceOf(q, memberId)) ?? 0;
      if (growth > 0) {
        await this.tiers.addGrowthIn(
          q,
          {
            key: `refund:${storeId}:${key}`,
            memberId,
            delta: -growth,
            source: 'refund',
            ref: `refund:${refundId}`,
            storeId,
            label: `退款 ${yuan(req.amountCents)} · 订单 ${req.orderNo}`,
          },
          now,
        );
      }
      const result: Refund = {
        orderNo: req.orderNo,
        amountCents: req.amountCents,
        refundedCentsTotal: refundedTotal,
        pointsReversed: points,
        growthReversed: growth,
        balance,
        redeemedPointsReturned: returned,
        pendingCancelled,
        replayed: false,
      };
      await orderStore.setRefundResult(q, refundId, JSON.stringify(result));
      await audit(
        q,
        {
          actorType: 'staff',
          actorId: staff.id,
          action: 'checkout.refund',
          targetType: 'member',
          targetId: memberId,
          after: { storeId, orderNo: req.orderNo, amountCents: req.amountCents, points, growth, returned },
          requestId,
        },
        now,
      );
      return result;
    });
  }

  private async replay(q: Q, storeId: number, key: string, hash: string): Promise<Refund | null> {
    const row = await orderStore.refundClaim(q, storeId, key);
    if (!row) return null;
    if (row.input_hash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
    // Answers stored before points as cash lack its fields: nothing was returned or pending.
    const first = JSON.parse(row.result_json ?? '{}') as Partial<Refund>;
    return { redeemedPointsReturned: 0, pendingCancelled: 0, ...first, replayed: true } as Refund;
  }

  private async insertRefund(
    q: Q,
    r: {
      orderId: number;
      storeId: number;
      key: string;
      req: { amountCents: number };
      points: number;
      growth: number;
      staffId: number;
      hash: string;
      redeemReturned: number;
      pendingCancelled: number;
    },
    now: Date,
  ): Promise<number> {
    try {
      return await orderStore.insertRefund(
        q,
        {
          orderId: r.orderId,
          storeId: r.storeId,
          key: r.key,
          amountCents: r.req.amountCents,
          points: r.points,
          growth: r.growth,
          staffId: r.staffId,
          inputHash: r.hash,
          redeemReturned: r.redeemReturned,
          pendingCancelled: r.pendingCancelled,
        },
        now,
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryTransaction(`refund key ${r.key} taken`);
      throw err;
    }
  }
}
