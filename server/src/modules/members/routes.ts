import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { RateLimiter } from '../../core/rate-limit';

export function memberRoutes(r: Routes, c: AppContext): void {
  const perIp = new RateLimiter(c.config.loginRatePerMinute, 60_000);

  r.add(endpoints.login, async (ctx, { body }) => {
    perIp.hit(`login:${ctx.ip}`);
    const out = await c.members.login(body.code, body.ref);
    const t = c.tokens.signMember(out.memberId, out.tokenVersion, c.clock.now());
    return { token: t.token, expiresAt: t.expiresAt.toISOString(), memberId: String(out.memberId), isNew: out.isNew };
  });

  r.add(endpoints.refresh, async (ctx) => {
    const id = ctx.state.member.id;
    const t = c.tokens.signMember(id, await c.members.tokenVersion(id), c.clock.now());
    return { token: t.token, expiresAt: t.expiresAt.toISOString(), memberId: String(id) };
  });

  r.add(endpoints.getMe, async (ctx) => c.members.get(ctx.state.member.id));
  r.add(endpoints.patchMe, async (ctx, { body }) => c.members.patch(ctx.state.member.id, body, ctx.state.requestId));
}
