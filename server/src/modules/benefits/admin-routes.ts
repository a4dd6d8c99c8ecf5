import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

/** The catalogue, for operators (rules and audit in catalogue.ts). */
export function adminBenefitRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.adminListBenefits, async () => c.catalogue.list());
  r.add(endpoints.adminCreateBenefit, async (ctx, { body }) =>
    c.catalogue.create({ staffId: ctx.state.staff.id, requestId: ctx.state.requestId }, body),
  );
  r.add(endpoints.adminPatchBenefit, async (ctx, { body, params }) =>
    c.catalogue.patch({ staffId: ctx.state.staff.id, requestId: ctx.state.requestId }, Number(params.id), body),
  );
  r.add(endpoints.adminTopUpStock, async (ctx, { body, params }) =>
    c.catalogue.topUp({ staffId: ctx.state.staff.id, requestId: ctx.state.requestId }, Number(params.id), body.add),
  );
}
