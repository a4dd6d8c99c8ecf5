import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { requireStore } from '../../core/principals';
import { lookupMember } from './lookup';
import { quoteCheckout } from './quote';
import { shiftSummary } from './shift';

/** Staff at the counter: look a member up by code, preview points as cash, credit a purchase, refund, the shift's figures. Store comes from the staff row. */
export function checkoutRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.staffLookup, async (ctx, { query }) => lookupMember(c, requireStore(ctx.state.staff), query.code));

  r.add(endpoints.staffCheckoutQuote, async (ctx, { query }) => quoteCheckout(c, requireStore(ctx.state.staff), query));

  r.add(endpoints.staffCheckout, async (ctx, { body }) =>
    c.checkout.checkout(ctx.state.staff, body, ctx.state.requestId),
  );

  r.add(endpoints.staffRefund, async (ctx, { body, idempotencyKey }) =>
    c.refunds.refund(ctx.state.staff, body, idempotencyKey, ctx.state.requestId),
  );

  r.add(endpoints.staffShiftSummary, async (ctx, { query }) =>
    shiftSummary(c.db, c.clock, c.config.businessTz, ctx.state.staff, query),
  );
}
