import { randomBytes } from 'node:crypto';
import {
  LOOKUP_REQUEST_SECONDS,
  splitPayment,
  type BodyFor,
  type CheckoutRequest,
  type ResponseFor,
} from '@huiyuan/shared';
import type { Database } from '../../db/database';
import { AppError } from '../../core/errors';
import { requireStore, type StaffPrincipal } from '../../core/principals';
import type { Settings } from '../settings/settings';
import { limits, type Limits } from '../limits/service';
import type { MemberCodes } from '../card/service';
import { audit } from '../audit/audit';
import { clerkState, type RequestKeys } from './keys';
import * as store from './store';

/**
 * Points as cash confirmed on the member's phone (`checkout.pointsCash.confirm:
 * phone`): the clerk scans the code and asks; the member sees the store, the
 * points, what they pay and the order amount, and confirms or refuses in the app
 * (the same list and answer as a lookup by phone); the clerk's token then pays
 * exactly that order with exactly those points, once. The request reserves
 * nothing: balance and daily cap are checked by the checkout.
 */
export interface RedeemDeps {
  db: Database;
  now: () => number;
  settings: Settings;
  limits: Limits;
  keys: RequestKeys;
}

export async function requestRedeem(
  d: RedeemDeps,
  codes: MemberCodes,
  staff: StaffPrincipal,
  body: BodyFor<'staffRedeemConfirmation'>,
  requestId?: string,
): Promise<ResponseFor<'staffRedeemConfirmation'>> {
  const storeId = requireStore(staff);
  const rules = await d.settings.get('checkout.pointsCash');
  const lookup = await d.settings.get('checkout.phoneLookup');
  const now = d.now();
  // The same budget as lookups by phone: a clerk cannot flood a member's phone with requests.
  await d.limits.check([limits.phoneLookupsPerStaff(lookup.perStaffPerHour, staff.id)], [], now);
  const { memberId } = await codes.verify(body.memberCode, storeId, new Date(now));
  const split = splitPayment(body.amountCents, body.redeemPoints, rules.pointsPerYuan);
  const share = Math.floor((body.amountCents * rules.maxSharePercent) / 100);
  if (!rules.enabled || split.points === 0 || split.discountCents > share)
    throw new AppError('REDEEM_LIMIT_EXCEEDED', undefined, {
      limit: 'share',
      maxSharePercent: rules.enabled ? rules.maxSharePercent : 0,
    });
  const id = randomBytes(16).toString('hex');
  const expiresAt = now + LOOKUP_REQUEST_SECONDS * 1000;
  await d.db.tx(async (q) => {
    await store.insertRequest(
      q,
      {
        id,
        storeId,
        staffId: staff.id,
        memberId,
        maskedPhone: '',
        mode: 'member_confirm',
        redeem: { points: split.points, amountCents: body.amountCents, orderNo: body.orderNo },
      },
      now,
      expiresAt,
    );
    await audit(
      q,
      {
        actorType: 'staff',
        actorId: staff.id,
        action: 'redeem.request',
        targetType: 'member',
        targetId: memberId,
        after: { requestId: id, storeId, orderNo: body.orderNo, points: split.points, amountCents: body.amountCents },
        requestId,
      },
      new Date(now),
    );
  });
  return { requestId: id, ...split, expiresAt: new Date(expiresAt).toISOString() };
}

export async function redeemState(
  d: RedeemDeps,
  staff: StaffPrincipal,
  id: string,
): Promise<ResponseFor<'staffRedeemConfirmationState'>> {
  const storeId = requireStore(staff);
  const row = await d.db.read((q) => store.requestOf(q, id));
  if (!row || row.store_id !== storeId || row.purpose !== 'redeem') throw new AppError('LOOKUP_NOT_FOUND');
  return clerkState(d.keys, row, d.now());
}

/** Whether a token is a redeem confirmation of exactly this order, amount and points (at this store). */
export function matchesRedeem(row: store.LookupRow | undefined, storeId: number, req: CheckoutRequest): boolean {
  return (
    !!row &&
    row.purpose === 'redeem' &&
    row.store_id === storeId &&
    row.points === (req.redeemPoints ?? 0) &&
    row.amount_cents === req.amountCents &&
    row.order_no === req.orderNo
  );
}
