import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { RateLimiter } from '../../core/rate-limit';

export function staffRoutes(r: Routes, c: AppContext): void {
  // Password guessing is limited per username and per address.
  const perUser = new RateLimiter(10, 15 * 60_000);
  const perIp = new RateLimiter(c.config.loginRatePerMinute, 60_000);

  r.add(endpoints.staffLogin, async (ctx, { body }) => {
    perIp.hit(`staff-login:${ctx.ip}`);
    perUser.hit(`staff-login:${body.username}`);
    const s = await c.staff.login(body.username, body.password);
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
