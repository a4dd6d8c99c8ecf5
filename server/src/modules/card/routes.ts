import { endpoints, maskName, MEMBER_CODE_DIGITS, MEMBER_CODE_STEP_SECONDS } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import { nicknameOf } from '../members/store';
import { allOf } from '../../db/database';

/**
 * The member card: name, tier, balance, pending points and the rotating member code
 * with its secret; and its pulse, what the open card polls for.
 */
export function cardRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getCard, async (ctx) => {
    const id = ctx.state.member.id;
    const now = c.clock.now();
    // One connection, and the independent reads issued together: on MySQL they share round trips.
    const [code, tier, row, points] = await c.db.read((q) =>
      allOf([c.codes.card(id, now), c.tiers.tierOfIn(q, id), nicknameOf(q, id), c.points.summary(id, now)]),
    );
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
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

  r.add(endpoints.getCardPulse, async (ctx) => {
    const id = ctx.state.member.id;
    const now = c.clock.now();
    // The balance's reads and the waiting requests' read in one round trip (MySQL).
    const [points, asks] = await c.db.read(() => allOf([c.points.summary(id, now), c.confirmations.pending(id)]));
    return {
      balance: points.balance,
      pendingPoints: points.pending?.total ?? 0,
      confirmations: asks.items,
      serverTime: now.toISOString(),
    };
  });
}
