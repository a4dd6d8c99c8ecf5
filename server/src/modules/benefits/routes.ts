import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { limits } from '../limits/service';
import { audit } from '../audit/audit';
import { recordActivityIn } from '../members/activity';
import { adminBenefitRoutes } from './admin-routes';

export function benefitRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.listBenefits, async (ctx) => c.benefits.list(ctx.state.member.id));
  r.add(endpoints.redeem, async (ctx, { body, idempotencyKey }) => {
    // Flash sales invite scripted hammering: a member gets a few redemption attempts a second, not thousands
    // (counted in the database for every instance; one round trip before the redemption's transaction).
    await c.limits.check([limits.redemptionsPerMember(ctx.state.member.id)]);
    // A redemption is activity (churn), recorded in the redemption's transaction (the service joins it; a
    // refusal rolls both back). Member row first, then points, the order a checkout takes them in.
    return c.db.tx(async (q) => {
      await recordActivityIn(q, ctx.state.member.id, c.clock.now(), c.config.businessTz);
      return c.benefits.redeem(ctx.state.member.id, Number(body.benefitId), idempotencyKey);
    });
  });
  r.add(endpoints.listVouchers, async (ctx, { query }) =>
    c.benefits.vouchers(ctx.state.member.id, query.status, query.cursor, query.limit),
  );
  r.add(endpoints.cancelVoucher, async (ctx, { params }) => {
    const out = await c.benefits.cancel(Number(params.id), ctx.state.member.id);
    return { voucher: out.voucher, refundedPoints: out.refundedPoints, balance: out.balance };
  });
  r.add(endpoints.previewVoucher, async (ctx, { query }) => c.writeOffs.preview(ctx.state.staff, query.code));
  r.add(endpoints.writeOffVoucher, async (ctx, { body }) =>
    c.writeOffs.writeOff(ctx.state.staff, body.code, ctx.state.requestId),
  );
  r.add(endpoints.adminCancelVoucher, async (ctx, { params }) => {
    // The audit row commits with the cancellation, inside its transaction.
    const out = await c.benefits.cancel(Number(params.id), null, (q, refundedPoints) =>
      audit(
        q,
        {
          actorType: 'operator',
          actorId: ctx.state.staff.id,
          action: 'voucher.cancel',
          targetType: 'voucher',
          targetId: params.id,
          after: { refundedPoints },
          requestId: ctx.state.requestId,
        },
        c.clock.now(),
      ),
    );
    return { voucher: out.voucher, refundedPoints: out.refundedPoints, balance: out.balance };
  });
  adminBenefitRoutes(r, c);
}
