import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { policyView } from './policy';

export function privacyRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getPrivacyPolicy, async () => policyView(c.settings));
  r.add(endpoints.exportMyData, async (ctx) => c.privacy.export(ctx.state.member.id));
  r.add(endpoints.deleteMe, async (ctx) => c.privacy.delete(ctx.state.member.id, ctx.state.requestId));
}
