import type { BodyOf, endpoints, QueryOf } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { TierService } from '../tiers/service';
import { audit } from '../audit/audit';
import { ruleIn } from '../gifts/store';
import { PACK_TRIGGER, packVouchersGivenIn } from './pack';
import { planViews } from './views';
import * as store from './store';
import { membershipFiguresIn } from './store-benefits';
import { isoAt } from '../../core/iso';

/** Who acts, for the audit row. */
export interface OperatorAct {
  staffId: number;
  requestId?: string;
}

/**
 * Membership plans and subscribers for operators: plans listed with their active
 * subscribers, created and changed with an audit row in the same unit of work (a
 * new price applies to purchases from then on: a purchase freezes its price), the
 * subscribers page and the figures (paid members, renewal rate, revenue, cost).
 */
export class MembershipAdmin {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly tiers: TierService,
    /** Called after a plan is created or changed (the service's floor cache). */
    private readonly changed: () => void = () => undefined,
  ) {}

  async list() {
    const rules = await this.tiers.rules();
    return this.db.read(async (q) => {
      const plans = await store.plansIn(q);
      const counts = await store.activeByPlanIn(q, this.clock.now().getTime());
      const views = await planViews(q, plans, rules);
      return {
        items: views.map((v, i) => ({
          ...v,
          subscribers: counts.get(Number(plans[i].id)) ?? 0,
          createdAt: isoAt(plans[i].created_at),
          updatedAt: isoAt(plans[i].updated_at),
        })),
      };
    });
  }

  private async checkIn(q: Q, packGiftRuleId: string | null | undefined, tierFloor: string | null | undefined) {
    if (packGiftRuleId) {
      const rule = await ruleIn(q, Number(packGiftRuleId));
      if (!rule || rule.trigger_kind !== PACK_TRIGGER)
        throw new AppError('GIFT_RULE_NOT_FOUND', "Name a gift rule with the trigger 'membership'", {
          field: 'packGiftRuleId',
        });
    }
    if (tierFloor && !(await this.tiers.rules()).tiers.some((t) => t.code === tierFloor))
      throw new AppError('VALIDATION_FAILED', 'No such tier', { field: 'tierFloor' });
  }

  async create(by: OperatorAct, body: BodyOf<typeof endpoints.adminCreateMembershipPlan>) {
    const now = this.clock.now();
    const id = await this.db.tx(async (q) => {
      await this.checkIn(q, body.packGiftRuleId, body.tierFloor);
      if (await store.planByCodeIn(q, body.code)) throw new AppError('PLAN_CODE_TAKEN');
      const fields: store.PlanFields = {
        code: body.code,
        title: body.title,
        price_fen: body.priceFen,
        period: body.period,
        benefit_kind: body.benefitKind,
        benefit_percent: body.benefitPercent,
        yearly_cap_points: body.yearlyCapPoints,
        pack_gift_rule_id: body.packGiftRuleId === null ? null : Number(body.packGiftRuleId),
        tier_floor: body.tierFloor,
        status: body.active ? 'active' : 'inactive',
      };
      const id = await store.insertPlanIn(q, fields, now.getTime());
      await audit(
        q,
        {
          actorType: 'staff',
          actorId: by.staffId,
          action: 'membership.plan_create',
          targetType: 'membership_plan',
          targetId: id,
          after: fields,
          requestId: by.requestId,
        },
        now,
      );
      return id;
    });
    this.changed();
    return this.one(id);
  }

  async patch(by: OperatorAct, id: number, body: BodyOf<typeof endpoints.adminPatchMembershipPlan>) {
    const now = this.clock.now();
    await this.db.tx(async (q) => {
      const before = await store.planIn(q, id);
      if (!before) throw new AppError('PLAN_NOT_FOUND');
      await this.checkIn(q, body.packGiftRuleId, body.tierFloor);
      const patch: store.PlanPatch = {
        title: body.title,
        price_fen: body.priceFen,
        benefit_kind: body.benefitKind,
        benefit_percent: body.benefitPercent,
        yearly_cap_points: body.yearlyCapPoints,
        pack_gift_rule_id:
          body.packGiftRuleId === undefined
            ? undefined
            : body.packGiftRuleId === null
              ? null
              : Number(body.packGiftRuleId),
        tier_floor: body.tierFloor,
        status: body.active === undefined ? undefined : body.active ? 'active' : 'inactive',
      };
      await store.updatePlanIn(q, id, patch, now.getTime());
      await audit(
        q,
        {
          actorType: 'staff',
          actorId: by.staffId,
          action: 'membership.plan_change',
          targetType: 'membership_plan',
          targetId: id,
          before,
          after: patch,
          requestId: by.requestId,
        },
        now,
      );
    });
    this.changed();
    return this.one(id);
  }

  private async one(id: number) {
    const item = (await this.list()).items.find((p) => p.id === String(id));
    if (!item) throw new AppError('PLAN_NOT_FOUND');
    return item;
  }

  async subscribers(query: QueryOf<typeof endpoints.adminMembershipSubscribers>) {
    const beforeId = query.cursor ? Number(Buffer.from(query.cursor, 'base64url').toString()) : undefined;
    if (beforeId !== undefined && (!Number.isSafeInteger(beforeId) || beforeId <= 0))
      throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
    const rows = await this.db.read((q) =>
      store.subscribersPageIn(q, {
        planId: query.planId ? Number(query.planId) : undefined,
        status: query.status,
        memberId: query.memberId ? Number(query.memberId) : undefined,
        beforeId,
        limit: query.limit,
      }),
    );
    const page = rows.slice(0, query.limit);
    const now = this.clock.now().getTime();
    return {
      items: page.map((s) => ({
        memberId: String(s.member_id),
        planId: String(s.plan_id),
        planTitle: s.title,
        // Ended by time before the expiry job marked it.
        status: s.status === 'active' && Number(s.ends_at) <= now ? ('expired' as const) : s.status,
        startedAt: isoAt(s.started_at),
        endsAt: isoAt(s.ends_at),
        autoRenew: Number(s.auto_renew) === 1,
        periods: Number(s.periods),
        paidFen: Number(s.paid_fen),
      })),
      nextCursor:
        rows.length > query.limit ? Buffer.from(String(page[page.length - 1].member_id)).toString('base64url') : null,
    };
  }

  async metrics() {
    const valueCents = await this.settings.get('points.valueCents');
    return this.db.read(async (q) => {
      const f = await membershipFiguresIn(q, this.clock.now().getTime());
      const ended = f.renewals + f.lapsed;
      return {
        paidMembers: f.paidMembers,
        revenueFen: f.paidFen - f.refundedFen,
        refundedFen: f.refundedFen,
        periods: f.periods,
        renewalRate: ended > 0 ? f.renewals / ended : 0,
        bonusPoints: f.bonusKept,
        bonusRefundedPoints: Math.max(0, f.bonusPoints - f.bonusKept),
        bonusCostFen: Math.round(f.bonusKept * valueCents),
        packVouchers: await packVouchersGivenIn(
          q,
          (await store.plansIn(q)).map((p) => p.pack_gift_rule_id),
        ),
      };
    });
  }
}
