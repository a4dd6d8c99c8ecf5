import {
  addDaysToIsoDate,
  endpoints,
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
import { auditRows } from '../audit/store';
import { accountsOf, idsByPhoneHash } from '../members/store';
import { balanceOf } from '../points/store';
import { simulate } from './simulate-routes';

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

  r.add(endpoints.adminSimulate, async (_ctx, { body }) => simulate(c, body));

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
