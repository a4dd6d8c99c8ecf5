import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { limits } from '../limits/service';

export function memberRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.login, async (ctx, { body }) => {
    // Per address before WeChat is asked (generous: many members share a mall's Wi-Fi), then per WeChat
    // identity once jscode2session has named it. Both counted in the database for every instance.
    await c.limits.check([limits.memberLoginsPerAddress(c.config.loginRatePerMinute, ctx.ip)]);
    const out = await c.members.login(body.code, body.ref, (openid) =>
      c.limits.check([limits.memberLoginsPerOpenid(openid)]).then(() => undefined),
    );
    const t = c.tokens.signMember(out.memberId, out.tokenVersion, c.clock.now());
    return { token: t.token, expiresAt: t.expiresAt.toISOString(), memberId: String(out.memberId), isNew: out.isNew };
  });

  r.add(endpoints.refresh, async (ctx) => {
    const id = ctx.state.member.id;
    const t = c.tokens.signMember(id, await c.members.tokenVersion(id), c.clock.now());
    return { token: t.token, expiresAt: t.expiresAt.toISOString(), memberId: String(id) };
  });

  r.add(endpoints.getMe, async (ctx) => c.profiles.get(ctx.state.member.id));
  r.add(endpoints.patchMe, async (ctx, { body }) => c.profiles.patch(ctx.state.member.id, body, ctx.state.requestId));
  r.add(endpoints.acceptPrivacyPolicy, async (ctx, { body }) =>
    c.profiles.consent(ctx.state.member.id, body.version, ctx.state.requestId),
  );
  r.add(endpoints.bindPhone, async (ctx, { body }) =>
    c.profiles.bindPhone(ctx.state.member.id, body.code, ctx.state.requestId),
  );
}
