import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { AppError } from '../../core/errors';
import type { Q } from '../../db/database';
import { audit } from '../audit/audit';
import type { BenefitRow } from './service';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const ms = (s: string | null | undefined) => (s ? new Date(s).getTime() : null);

async function view(c: AppContext, q: Q, id: number) {
  const b = await q.one<BenefitRow & { issued: number; written_off: number }>(
    `SELECT b.*, (SELECT COUNT(*) FROM vouchers v WHERE v.benefit_id = b.id AND v.status <> 'cancelled') AS issued,
            (SELECT COUNT(*) FROM vouchers v WHERE v.benefit_id = b.id AND v.status = 'used') AS written_off FROM benefits b WHERE b.id = ?`,
    [id],
  );
  if (!b) throw new AppError('BENEFIT_NOT_FOUND');
  const rules = await c.tiers.rules();
  return {
    id: String(b.id),
    title: b.title,
    description: b.description ?? '',
    kind: b.kind as 'voucher',
    costPoints: Number(b.cost_points),
    stockLeft: Number(b.stock_left),
    stockTotal: Number(b.stock_total),
    perMemberLimit: Number(b.per_member_limit),
    minTier: b.min_tier
      ? { code: b.min_tier, name: rules.tiers.find((t) => t.code === b.min_tier)?.name ?? b.min_tier }
      : null,
    validity: { days: Number(b.valid_days) > 0 ? Number(b.valid_days) : null, until: iso(b.valid_until) },
    visibleUntil: iso(b.visible_until),
    status: b.status,
    issued: Number(b.issued),
    writtenOff: Number(b.written_off),
  };
}

/** The catalogue, for operators. Stock only grows by conditional top-ups; every change is audited. */
export function adminBenefitRoutes(r: Routes, c: AppContext): void {
  const checkTier = async (code: string | null | undefined) => {
    if (code && !(await c.tiers.rules()).tiers.some((t) => t.code === code))
      throw new AppError('VALIDATION_FAILED', `Unknown tier ${code}`, { field: 'minTier' });
  };

  r.add(endpoints.adminListBenefits, async () =>
    c.db.read(async (q) => {
      const ids = await q.all<{ id: number }>("SELECT id FROM benefits WHERE status <> 'deleted' ORDER BY id");
      const items = [];
      for (const { id } of ids) items.push(await view(c, q, Number(id)));
      return { items };
    }),
  );

  r.add(endpoints.adminCreateBenefit, async (ctx, { body }) => {
    await checkTier(body.minTier);
    return c.db.tx(async (q) => {
      const now = c.clock.now().getTime();
      const id = await q.insert(
        `INSERT INTO benefits (title, description, kind, cost_points, stock_total, stock_left, per_member_limit, min_tier, visible_from, visible_until, valid_days, valid_until, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
        [
          body.title,
          body.description,
          body.kind,
          body.costPoints,
          body.stock,
          body.stock,
          body.perMemberLimit,
          body.minTier,
          ms(body.visibleFrom),
          ms(body.visibleUntil),
          body.validDays,
          ms(body.validUntil),
          now,
          now,
        ],
      );
      await audit(
        q,
        {
          actorType: 'operator',
          actorId: ctx.state.staff.id,
          action: 'benefit.create',
          targetType: 'benefit',
          targetId: id,
          after: body,
          requestId: ctx.state.requestId,
        },
        new Date(now),
      );
      return view(c, q, id);
    });
  });

  r.add(endpoints.adminPatchBenefit, async (ctx, { body, params }) => {
    await checkTier(body.minTier);
    return c.db.tx(async (q) => {
      const id = Number(params.id);
      const before = await view(c, q, id);
      const sets: string[] = [];
      const args: unknown[] = [];
      const put = (col: string, v: unknown) => {
        sets.push(`${col} = ?`);
        args.push(v);
      };
      if (body.title !== undefined) put('title', body.title);
      if (body.description !== undefined) put('description', body.description);
      if (body.perMemberLimit !== undefined) put('per_member_limit', body.perMemberLimit);
      if (body.minTier !== undefined) put('min_tier', body.minTier);
      if (body.status !== undefined) put('status', body.status);
      if (body.visibleFrom !== undefined) put('visible_from', ms(body.visibleFrom));
      if (body.visibleUntil !== undefined) put('visible_until', ms(body.visibleUntil));
      const now = c.clock.now().getTime();
      await q.exec(`UPDATE benefits SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`, [...args, now, id]);
      await audit(
        q,
        {
          actorType: 'operator',
          actorId: ctx.state.staff.id,
          action: 'benefit.update',
          targetType: 'benefit',
          targetId: id,
          before,
          after: body,
          requestId: ctx.state.requestId,
        },
        new Date(now),
      );
      return view(c, q, id);
    });
  });

  r.add(endpoints.adminTopUpStock, async (ctx, { body, params }) =>
    c.db.tx(async (q) => {
      const id = Number(params.id);
      const before = await view(c, q, id);
      const now = c.clock.now().getTime();
      await q.exec(
        'UPDATE benefits SET stock_total = stock_total + ?, stock_left = stock_left + ?, updated_at = ? WHERE id = ?',
        [body.add, body.add, now, id],
      );
      await audit(
        q,
        {
          actorType: 'operator',
          actorId: ctx.state.staff.id,
          action: 'benefit.stock_top_up',
          targetType: 'benefit',
          targetId: id,
          before: { stockTotal: before.stockTotal, stockLeft: before.stockLeft },
          after: { add: body.add },
          requestId: ctx.state.requestId,
        },
        new Date(now),
      );
      return view(c, q, id);
    }),
  );
}
