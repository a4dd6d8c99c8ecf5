import { randomBytes } from 'node:crypto';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { MemberService } from '../members/service';
import type { ReferralService } from '../referrals/service';
import { identityHash } from '../referrals/service';
import { audit } from '../audit/audit';
import * as members from '../members/store';
import { exportOf as exportPoints } from '../points/store-reads';
import { pendingForExport } from '../points/pending-store';
import type { PendingPoints } from '../points/pending';
import { exportGrowth, exportTier } from '../tiers/store';
import { exportOrders } from '../checkout/store';
import { allDaysOf } from '../checkin/store';
import { completionsOf } from '../tasks/store';
import { deleteCodeOf, deletePosterCodeOf } from '../referrals/store';
import { vouchersForExportIn } from '../benefits/store-vouchers';
import { grantsForExportIn } from '../gifts/store';
import { membershipForExportIn } from '../membership/store-periods';
import { forgetPayerIn, paymentsForExportIn } from '../payments/store-reads';
import { deleteSecret } from '../card/store';
import { unlinkMember } from '../staff/store';
import * as notifications from '../notifications/store';
import { isoOf } from '../../core/iso';

type Row = Record<string, unknown>;
/** Columns named `*_at` hold epoch milliseconds; the export shows them as ISO times. */
const times = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /_at$/.test(k) ? isoOf(v) : v])));

/**
 * Export and deletion of a member's personal data. Each owning module gives its
 * part (an export read, a forget step); this file only puts them together.
 * Deletion erases what identifies the person (names, birthday, phone, WeChat ids,
 * messages, subscriptions, invite code, card secret) and keeps the ledgers under
 * the numeric id, which no longer points to anyone: balances, stock and
 * reconciliation stay whole.
 */
export class PrivacyService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly members: MemberService,
    private readonly referrals: ReferralService,
    private readonly pending: PendingPoints,
  ) {}

  async export(memberId: number) {
    const view = await this.referrals.view(memberId);
    return this.db.read(async (q) => {
      const m = await members.exportRow(q, memberId);
      if (!m) throw new AppError('MEMBER_NOT_FOUND');
      const { phone_enc, phone_verified, ...profile } = m;
      const points = await exportPoints(q, memberId);
      const pending = await pendingForExport(q, memberId);
      const growth = await exportGrowth(q, memberId);
      const tier = await exportTier(q, memberId);
      const orders = await exportOrders(q, memberId);
      const checkins = await allDaysOf(q, memberId);
      const tasks = (await completionsOf(q, memberId)) as Row[];
      const vouchers = await vouchersForExportIn(q, memberId);
      const gifts = await grantsForExportIn(q, memberId);
      const paid = await membershipForExportIn(q, memberId);
      const pay = await paymentsForExportIn(q, memberId);
      const { messages, subscriptions } = await notifications.exportMember(q, memberId);
      return {
        exportedAt: this.clock.now().toISOString(),
        profile: {
          ...times([profile])[0],
          phone: phone_enc ? this.members.decryptPhone(phone_enc) : null,
          // Verified: obtained through WeChat's getPhoneNumber; otherwise typed by the member.
          phone_verified: phone_enc !== null && Number(phone_verified) === 1,
        },
        points: {
          balance: points.balance,
          entries: times(points.entries),
          lots: times(points.lots),
          // Purchase points held for the return window: held, cancelled by refunds, released to the balance.
          pending: times(pending),
        },
        growth: times(growth),
        tier: times(tier)[0] ?? null,
        orders: times(orders),
        checkins,
        tasks: times(tasks),
        vouchers: times(vouchers),
        gifts: times(gifts),
        membership: {
          subscription: paid.subscription ? times([paid.subscription])[0] : null,
          periods: times(paid.periods),
          refunds: times(paid.refunds),
        },
        payments: { orders: times(pay.orders), refunds: times(pay.refunds) },
        referrals: { code: view.code, invitees: view.invitees, invitedBy: view.invitedBy },
        messages: times(messages),
        subscriptions,
      };
    });
  }

  async delete(memberId: number, requestId?: string) {
    const now = this.clock.now();
    return this.db.tx(async (q: Q) => {
      const m = await members.identityOf(q, memberId);
      if (!m || m.status !== 'active') throw new AppError('MEMBER_NOT_FOUND');
      // Remember hashes only: the same WeChat account or phone cannot come back as a "new" invitee.
      for (const h of [
        identityHash('openid', m.openid),
        ...(m.phone_hmac ? [identityHash('phone', m.phone_hmac)] : []),
      ])
        await members.rememberClosedIdentity(q, h, now.getTime());
      await members.closeAccount(q, memberId, `deleted:${memberId}:${randomBytes(8).toString('hex')}`, now.getTime());
      // Points still held for a return window are dropped, not credited: a closed account earns nothing more.
      const pendingCancelled = await this.pending.cancelAllOfIn(q, memberId, 'closed');
      await notifications.forgetMember(q, memberId);
      await deleteCodeOf(q, memberId);
      await deletePosterCodeOf(q, memberId);
      await forgetPayerIn(q, memberId);
      await deleteSecret(q, memberId);
      await unlinkMember(q, memberId);
      await audit(
        q,
        {
          actorType: 'member',
          actorId: memberId,
          action: 'member.delete',
          targetType: 'member',
          targetId: memberId,
          after: { pendingCancelled },
          requestId,
        },
        now,
      );
      return { deleted: true as const, at: now.toISOString() };
    });
  }
}
