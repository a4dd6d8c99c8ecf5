import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

/** Counter lookup by phone and points confirmed on the phone: the clerk's requests and states; the member's list and answer. HTTP only. */
export function confirmationRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.staffPhoneLookup, async (ctx, { body }) =>
    c.confirmations.request(ctx.state.staff, body.phone, ctx.state.requestId),
  );
  r.add(endpoints.staffPhoneLookupState, async (ctx, { params }) => c.confirmations.state(ctx.state.staff, params.id));
  r.add(endpoints.staffPhoneLookupVerify, async (ctx, { params, body }) =>
    c.confirmations.verify(ctx.state.staff, params.id, body.code, ctx.state.requestId),
  );
  r.add(endpoints.staffRedeemConfirmation, async (ctx, { body }) =>
    c.confirmations.requestRedeem(c.codes, ctx.state.staff, body, ctx.state.requestId),
  );
  r.add(endpoints.staffRedeemConfirmationState, async (ctx, { params }) =>
    c.confirmations.redeemState(ctx.state.staff, params.id),
  );
  r.add(endpoints.listConfirmations, async (ctx) => c.confirmations.pending(ctx.state.member.id));
  r.add(endpoints.confirmConfirmation, async (ctx, { params }) =>
    c.confirmations.answer(ctx.state.member.id, params.id, 'confirm', ctx.state.requestId),
  );
  r.add(endpoints.rejectConfirmation, async (ctx, { params }) =>
    c.confirmations.answer(ctx.state.member.id, params.id, 'reject', ctx.state.requestId),
  );
}
