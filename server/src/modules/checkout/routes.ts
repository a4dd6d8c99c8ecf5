import { businessDate, endpoints, isMemberDay, maskName, maskPhone } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { requireStore } from './service';

/** Staff at the counter: look a member up by code, credit a purchase, refund. Store comes from the staff row. */
export function checkoutRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.staffLookup, async (ctx, { query }) => {
    const storeId = requireStore(ctx.state.staff);
    const now = c.clock.now();
    const { memberId } = await c.codes.verify(query.code, storeId, now);
    const row = await c.db.read((q) =>
      q.one<{ nickname: string | null; phone_enc: string | null }>(
        'SELECT nickname, phone_enc FROM members WHERE id = ?',
        [memberId],
      ),
    );
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
    const tier = await c.db.read((q) => c.tiers.tierOfIn(q, memberId));
    const phone = row.phone_enc ? c.members.decryptPhone(row.phone_enc) : null;
    return {
      memberId: String(memberId),
      maskedName: maskName(row.nickname),
      maskedPhone: phone ? maskPhone(phone) : null,
      tier,
      balance: (await c.points.summary(memberId, now)).balance,
      memberDay: isMemberDay(businessDate(now, c.config.businessTz), await c.settings.get('checkout.memberDays')),
    };
  });

  r.add(endpoints.staffCheckout, async (ctx, { body }) =>
    c.checkout.checkout(ctx.state.staff, body, ctx.state.requestId),
  );

  r.add(endpoints.staffRefund, async (ctx, { body, idempotencyKey }) =>
    c.refunds.refund(ctx.state.staff, body, idempotencyKey, ctx.state.requestId),
  );
}
