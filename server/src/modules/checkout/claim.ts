import { createHash } from 'node:crypto';
import type { CheckoutRequest, CheckoutResponse } from '@huiyuan/shared';
import { isDuplicateKey, RetryTransaction, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import * as orderStore from './store';
import { requestedPoints } from './redeem';

/**
 * The order row as the checkout's idempotency claim: (store, orderNo) is unique,
 * so the first checkout of an order inserts it and every retry finds it and is
 * answered with the first result.
 */
const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
/** What makes two checkouts of one order the same: the amount, and the points asked for when any (older orders hash the amount alone). */
const inputHashOf = (req: CheckoutRequest) =>
  sha(requestedPoints(req) ? [req.amountCents, requestedPoints(req)] : [req.amountCents]);

/** The first result for (store, orderNo), or null; a different amount or member is a conflict. */
export async function replayOrderIn(
  q: Q,
  storeId: number,
  req: CheckoutRequest,
  memberId: string | undefined,
): Promise<CheckoutResponse | null> {
  const row = await orderStore.orderClaim(q, storeId, req.orderNo);
  if (!row) return null;
  if (row.input_hash !== inputHashOf(req) || String(row.member_id) !== memberId) {
    throw new AppError(
      'IDEMPOTENCY_CONFLICT',
      'This order number was already credited with a different amount or member',
      { orderNo: req.orderNo },
    );
  }
  // Answers stored before points as cash lack its fields: they paid nothing with points.
  const first = JSON.parse(row.result_json ?? '{}') as Partial<CheckoutResponse>;
  const before = {
    redeemedPoints: 0,
    discountCents: 0,
    cashCents: first.amountCents,
    pendingPoints: 0,
    pendingUntil: null,
  };
  return { ...before, ...first, replayed: true } as CheckoutResponse;
}

export async function claimOrderIn(
  q: Q,
  storeId: number,
  req: CheckoutRequest,
  memberId: number,
  staffId: number,
  date: string,
  now: Date,
  split: { points: number; discountCents: number },
): Promise<number> {
  try {
    return await orderStore.insertOrder(
      q,
      {
        storeId,
        orderNo: req.orderNo,
        memberId,
        staffId,
        amountCents: req.amountCents,
        inputHash: inputHashOf(req),
        businessDate: date,
        redeemedPoints: split.points,
        discountCents: split.discountCents,
      },
      now,
    );
  } catch (err) {
    // Another till committed this order first: run again and the replay answers.
    if (isDuplicateKey(err)) throw new RetryTransaction(`order ${req.orderNo} taken`);
    throw err;
  }
}
