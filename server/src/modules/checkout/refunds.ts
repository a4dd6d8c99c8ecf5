import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RefundResponse } from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { StaffPrincipal } from '../../core/principals';
import type { Clock } from '../../core/clock';
import type { Ledger } from '../points/ledger';
import type { TierService } from '../tiers/service';
import { audit } from '../audit/audit';
import { requireStore, yuan } from './service';

type Refund = z.infer<typeof RefundResponse>;
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
 * the order amount); points are clawed back through the ledger (a debt when they
 * were already spent) and growth by a negative growth entry.
 */
export class RefundService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ledger: Ledger,
    private readonly tiers: TierService,
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
      const order = await q.one<{
        id: number;
        member_id: number;
        amount_cents: number;
        points: number;
        growth: number;
        refunded_cents: number;
        refunded_points: number;
        refunded_growth: number;
      }>(
        `SELECT id, member_id, amount_cents, points, growth, refunded_cents, refunded_points, refunded_growth FROM orders WHERE store_id = ? AND order_no = ?${q.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
        [storeId, req.orderNo],
      );
      if (!order) throw new AppError('ORDER_NOT_FOUND');
      const amount = Number(order.amount_cents);
      const grown = await q.exec(
        'UPDATE orders SET refunded_cents = refunded_cents + ?, updated_at = ? WHERE id = ? AND refunded_cents + ? <= amount_cents',
        [req.amountCents, now.getTime(), order.id, req.amountCents],
      );
      if (grown !== 1)
        throw new AppError('REFUND_EXCEEDS_ORDER', undefined, {
          refundableCents: amount - Number(order.refunded_cents),
        });
      const refundedTotal = Number(order.refunded_cents) + req.amountCents;
      const points = owedBack(Number(order.points), refundedTotal, amount) - Number(order.refunded_points);
      const growth = owedBack(Number(order.growth), refundedTotal, amount) - Number(order.refunded_growth);
      await q.exec(
        'UPDATE orders SET refunded_points = refunded_points + ?, refunded_growth = refunded_growth + ? WHERE id = ?',
        [points, growth, order.id],
      );
      const memberId = Number(order.member_id);
      const refundId = await this.insertRefund(
        q,
        { orderId: Number(order.id), storeId, key, req, points, growth, staffId: staff.id, hash },
        now,
      );
      let balance: number;
      if (points > 0) {
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
      } else {
        balance = Number(
          (await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]))!
            .balance,
        );
      }
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
        replayed: false,
      };
      await q.exec('UPDATE refunds SET result_json = ? WHERE id = ?', [JSON.stringify(result), refundId]);
      await audit(
        q,
        {
          actorType: 'staff',
          actorId: staff.id,
          action: 'checkout.refund',
          targetType: 'member',
          targetId: memberId,
          after: { storeId, orderNo: req.orderNo, amountCents: req.amountCents, points, growth },
          requestId,
        },
        now,
      );
      return result;
    });
  }

  private async replay(q: Q, storeId: number, key: string, hash: string): Promise<Refund | null> {
    const row = await q.one<{ input_hash: string; result_json: string | null }>(
      'SELECT input_hash, result_json FROM refunds WHERE store_id = ? AND idem_key = ?',
      [storeId, key],
    );
    if (!row) return null;
    if (row.input_hash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
    return { ...(JSON.parse(row.result_json ?? '{}') as Refund), replayed: true };
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
    },
    now: Date,
  ): Promise<number> {
    try {
      return await q.insert(
        'INSERT INTO refunds (order_id, store_id, idem_key, amount_cents, points, growth, staff_id, input_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [r.orderId, r.storeId, r.key, r.req.amountCents, r.points, r.growth, r.staffId, r.hash, now.getTime()],
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryTransaction(`refund key ${r.key} taken`);
      throw err;
    }
  }
}
