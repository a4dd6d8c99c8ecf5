import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import type { StaffPrincipal } from '../../core/principals';

/** Stores and staff accounts for operators; the staff module does the work and writes the audit rows. */
export function adminStaffRoutes(r: Routes, c: AppContext): void {
  const actor = (ctx: { state: { staff: StaffPrincipal; requestId: string } }) => ({
    actorType: 'operator' as const,
    actorId: ctx.state.staff.id,
    requestId: ctx.state.requestId,
  });

  r.add(endpoints.adminListStores, async () => ({ items: await c.staff.listStores() }));

  r.add(endpoints.adminCreateStore, async (ctx, { body }) => c.staff.addStore(actor(ctx), body));

  r.add(endpoints.adminPatchStore, async (ctx, { body, params }) =>
    c.staff.patchStore(actor(ctx), Number(params.id), body),
  );

  r.add(endpoints.adminListStaff, async () => ({ items: await c.staff.listStaff() }));

  r.add(endpoints.adminCreateStaff, async (ctx, { body }) => c.staff.addStaff(actor(ctx), body));

  r.add(endpoints.adminPatchStaff, async (ctx, { body, params }) =>
    c.staff.patchStaff(actor(ctx), Number(params.id), body),
  );

  r.add(endpoints.adminResetPassword, async (ctx, { body, params }) =>
    c.staff.resetPassword(actor(ctx), Number(params.id), body.password),
  );

  r.add(endpoints.adminUnlockStaff, async (ctx, { params }) => c.staff.unlock(actor(ctx), Number(params.id)));
}
