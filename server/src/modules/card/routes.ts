import { endpoints, maskName, MEMBER_CODE_DIGITS, MEMBER_CODE_STEP_SECONDS } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { nicknameOf } from '../members/store';

/** The member card: name, tier, balance, pending points and the rotating member code with its secret. */
export function cardRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getCard, async (ctx) => {
    const id = ctx.state.member.id;
    const now = c.clock.now();
    const code = await c.codes.card(id, now);
    // One connection for the card's reads.
    const { tier, row } = await c.db.read(async (q) => ({
      tier: await c.tiers.tierOfIn(q, id),
      row: await nicknameOf(q, id),
    }));
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
    const points = await c.points.summary(id, now);
    return {
      memberId: String(id),
      maskedName: maskName(row.nickname),
      tier,
      balance: points.balance,
      pendingPoints: points.pending?.total ?? 0,
      code: {
        secretHex: code.secretHex,
        stepSeconds: MEMBER_CODE_STEP_SECONDS,
        digits: MEMBER_CODE_DIGITS,
        current: code.current,
        expiresAt: code.expiresAt.toISOString(),
      },
      serverTime: now.toISOString(),
    };
  });
}
