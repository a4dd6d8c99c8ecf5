import {
  addDaysToIsoDate,
  businessDate,
  endpoints,
  earningForCashPart,
  evaluateTier,
  MAX_POINTS,
  maxRedeemablePoints,
  splitPayment,
  maskName,
  maskPhone,
  parseIsoDate,
  parseMemberCode,
  startOfLocalDay,
} from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import type { Q } from '../../db/database';
import { toView } from '../tiers/service';
import { purchaseRules } from '../checkout/earning';
import { auditRows } from '../audit/store';
import { accountsOf, idsByPhoneHash, memberExists } from '../members/store';
import { balanceOf } from '../points/store';

/** Operators: member search (masked), rule simulation (writes nothing), audit log. */
export function adminMemberRoutes(r: Routes, c: AppContext): void {
  const summary = async (q: Q, id: number) => {
    const [account] = await accountsOf(q, [id]);
    const balance = account ? await balanceOf(q, id) : null;
    if (!account || balance === null) return null;
    const m = { ...account, balance };
    const rules = await c.tiers.rules();
    const phone = m.phone_enc ? c.members.decryptPhone(m.phone_enc) : null;
    return {
      id: String(m.id),
      maskedName: maskName(m.nickname),
      maskedPhone: phone ? maskPhone(phone) : null,
      tier: await c.tiers.tierOfIn(q, id),
      balance: Number(m.balance),
      growthInWindow: await c.tiers.growthInWindowIn(q, id, c.clock.now(), rules),
      status: m.status,
      registeredAt: new Date(Number(m.created_at)).toISOString(),
    };
  };

  r.add(endpoints.adminSearchMembers, async (_ctx, { query }) =>
    c.db.read(async (q) => {
      let ids: number[] = [];
      if (query.id) ids = [Number(query.id)];
      // A code is looked up by its member id part only: the operator sees who it claims to be, nothing is used up.
      if (query.code) {
        const p = parseMemberCode(query.code);
        ids = p ? [Number(p.memberId)] : [];
      }
      if (query.phone) {
        let hash: string;
        try {
          hash = c.members.phoneLookupHash(query.phone);
        } catch {
          throw new AppError('VALIDATION_FAILED', 'Not a phone number', { field: 'phone' });
        }
        ids = await idsByPhoneHash(q, hash);
      }
      const items = [];
      for (const id of ids) {
        const s = await summary(q, id);
        if (s) items.push(s);
      }
      return { items };
    }),
  );

  r.add(endpoints.adminSimulate, async (_ctx, { body }) =>
    c.db.read(async (q) => {
      const at = body.at ? new Date(body.at) : c.clock.now();
      // The counter's own rule (checkout/earning.ts), with the draft rules in place of the saved ones.
      const rules = await purchaseRules(c.settings, c.tiers, body.rules ?? {});
      const tiers = rules.tiers;
      let tierCode = body.tierCode ?? tiers.tiers[0].code;
      let growthBefore = 0;
      if (body.memberId) {
        const id = Number(body.memberId);
        if (!(await memberExists(q, id))) throw new AppError('MEMBER_NOT_FOUND');
        tierCode = (await c.tiers.tierOfIn(q, id)).code;
        growthBefore = await c.tiers.growthInWindowIn(q, id, at, tiers);
      }
      const tier = tiers.tiers.find((t) => t.code === tierCode);
      if (!tier) throw new AppError('VALIDATION_FAILED', `Unknown tier ${tierCode}`, { field: 'tierCode' });
      // Points as cash as the counter splits it, capped by the share of the order (balance and daily cap are the member's).
      const cash = body.rules?.pointsCash ?? (await c.settings.get('checkout.pointsCash'));
      const most = maxRedeemablePoints({ amountCents: body.amountCents, balance: MAX_POINTS, redeemedToday: 0 }, cash);
      const split = splitPayment(body.amountCents, Math.min(body.redeemPoints ?? 0, most), cash.pointsPerYuan);
      const { points, growth, memberDay, excluded } = earningForCashPart(
        {
          cashCents: split.cashCents,
          orderNo: body.orderNo,
          businessDate: businessDate(at, c.config.businessTz),
          tierMultiplierPercent: toView(tier).multiplierPercent,
        },
        rules,
      );
      const decision = evaluateTier(tiers, tierCode, growthBefore + growth);
      return {
        points: points.total,
        lines: points.lines,
        growth,
        memberDay,
        excluded,
        tierBefore: tierCode,
        growthBefore,
        tierAfter: decision.action === 'upgrade' ? decision.to : tierCode,
        redeemedPoints: split.points,
        discountCents: split.discountCents,
        cashCents: split.cashCents,
        gifts: await c.gifts.simulateIn(
          q,
          body.memberId ? Number(body.memberId) : null,
          tierCode,
          decision.action === 'upgrade' ? decision.to : tierCode,
          tiers.tiers.map((t) => t.code),
        ),
      };
    }),
  );

  r.add(endpoints.adminAudit, async (_ctx, { query }) =>
    c.db.read(async (q) => {
      let beforeId: number | undefined;
      if (query.cursor) {
        beforeId = Number(Buffer.from(query.cursor, 'base64url').toString());
        if (!Number.isSafeInteger(beforeId) || beforeId <= 0)
          throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
      }
      // Dates are business days: from its first instant to the end of the last one.
      const dayStart = (d: string, plus: number) => {
        const p = parseIsoDate(addDaysToIsoDate(d, plus))!;
        return startOfLocalDay(p.year, p.month, p.day, c.config.businessTz).getTime();
      };
      const filter = {
        action: query.action,
        actorType: query.actorType,
        actorId: query.actorId === undefined ? undefined : Number(query.actorId),
        targetType: query.targetType,
        targetId: query.targetId,
        from: query.from === undefined ? undefined : dayStart(query.from, 0),
        to: query.to === undefined ? undefined : dayStart(query.to, 1),
        beforeId,
      };
      const rows = await auditRows(q, filter, query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        items: page.map((a) => ({
          id: String(a.id),
          actorType: a.actor_type,
          actorId: a.actor_id === null ? null : String(a.actor_id),
          action: a.action,
          targetType: a.target_type,
          targetId: a.target_id,
          before: a.before_json ? JSON.parse(a.before_json) : null,
          after: a.after_json ? JSON.parse(a.after_json) : null,
          reason: a.reason,
          requestId: a.request_id,
          createdAt: new Date(Number(a.created_at)).toISOString(),
        })),
        nextCursor:
          rows.length > query.limit ? Buffer.from(String(page[page.length - 1].id)).toString('base64url') : null,
      };
    }),
  );
}
