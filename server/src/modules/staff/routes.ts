import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { limits } from '../limits/service';

export function staffRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.staffLogin, async (ctx, { body }) => {
    // Attempts per address; wrong passwords per (username, address) with a backstop per username (staff service).
    const s = await c.staff.login(body.username, body.password, ctx.ip, [
      limits.staffLoginsPerAddress(c.config.loginRatePerMinute, ctx.ip),
    ]);
    const t = c.tokens.signStaff(
      { staffId: s.id, ver: s.tokenVersion, role: s.role, storeId: s.storeId },
      c.clock.now(),
    );
    return {
      token: t.token,
      expiresAt: t.expiresAt.toISOString(),
      staffId: String(s.id),
      role: s.role,
      storeId: s.storeId === null ? null : String(s.storeId),
      displayName: s.displayName,
    };
  });
}
