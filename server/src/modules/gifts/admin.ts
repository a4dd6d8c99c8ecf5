import type { BodyOf, endpoints, GiftTrigger, QueryOf } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import { audit } from '../audit/audit';
import type { TierService } from '../tiers/service';
import { benefitIn } from '../benefits/store';
import { linesJson, parseLines, TIER_BIRTHDAY_RULE, type VoucherOutcome } from './rules';
import * as store from './store';
import { isoOf } from '../../core/iso';

/** Who changes a rule, for the audit row. */
export interface OperatorAct {
  staffId: number;
  requestId?: string;
}

/**
 * Gift rules for operators: list (with grants by status), create, change,
 * enable/disable, each change audited in its transaction; and the grants, with
 * what each gave or skipped.
 */
export class GiftRulesAdmin {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tiers: TierService,
    /** After a change commits: the triggers' cached rules are read again (GiftService.forgetRules). */
    private readonly changed: () => void = () => undefined,
  ) {}

  async list() {
    return this.db.read(async (q) => {
      const tallies = await store.grantTalliesIn(q);
      const items = [];
      for (const r of await store.allRulesIn(q)) items.push(await this.viewOf(q, r, tallies.get(Number(r.id))));
      return { items };
    });
  }

  async create(by: OperatorAct, body: BodyOf<typeof endpoints.adminCreateGiftRule>) {
    await this.checkTier(body.tierCode);
    const view = await this.db.tx(async (q) => {
      await this.checkBenefits(q, body.vouchers);
      const now = this.clock.now().getTime();
      const id = await store.insertRuleIn(
        q,
        {
          name: body.name,
          trigger: body.trigger,
          tierCode: body.tierCode,
          points: body.points,
          vouchersJson: linesJson(body.vouchers),
          status: body.enabled ? 'enabled' : 'disabled',
        },
        now,
      );
      await this.audit(q, by, now, { action: 'gift_rule.create', targetId: id, after: body });
      return this.viewIn(q, id);
    });
    this.changed();
    return view;
  }

  async patch(by: OperatorAct, id: number, body: BodyOf<typeof endpoints.adminPatchGiftRule>) {
    await this.checkTier(body.tierCode);
    const view = await this.db.tx(async (q) => {
      const before = await this.viewIn(q, id);
      if (body.vouchers) await this.checkBenefits(q, body.vouchers);
      const tierCode = body.tierCode === undefined ? before.tierCode : body.tierCode;
      if ((before.trigger === 'tier_reached' || before.trigger === 'monthly_pack') && tierCode === null)
        throw new AppError('VALIDATION_FAILED', 'This trigger needs a tier', { field: 'tierCode' });
      const points = body.points ?? before.points;
      const lines = body.vouchers ?? before.vouchers;
      if (points <= 0 && !lines.length) throw new AppError('VALIDATION_FAILED', 'Give points or vouchers');
      const now = this.clock.now().getTime();
      await store.updateRuleIn(
        q,
        id,
        {
          name: body.name,
          tierCode: body.tierCode,
          points: body.points,
          vouchersJson: body.vouchers ? linesJson(body.vouchers) : undefined,
          status: body.enabled === undefined ? undefined : body.enabled ? 'enabled' : 'disabled',
        },
        now,
      );
      const { grants: _grants, ...was } = before;
      await this.audit(q, by, now, { action: 'gift_rule.update', targetId: id, before: was, after: body });
      return this.viewIn(q, id);
    });
    this.changed();
    return view;
  }

  async grants(query: QueryOf<typeof endpoints.adminGiftGrants>) {
    let beforeId: number | undefined;
    if (query.cursor) {
      beforeId = Number(Buffer.from(query.cursor, 'base64url').toString());
      if (!Number.isSafeInteger(beforeId) || beforeId <= 0)
        throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
    }
    return this.db.read(async (q) => {
      const rows = await store.grantsPageIn(q, {
        ruleId: query.ruleId === undefined ? undefined : Number(query.ruleId),
        memberId: query.memberId === undefined ? undefined : Number(query.memberId),
        status: query.status,
        beforeId,
        limit: query.limit,
      });
      const page = rows.slice(0, query.limit);
      const names = new Map((await store.allRulesIn(q)).map((r) => [Number(r.id), r.name]));
      return {
        items: page.map((g) => {
          const outcome = g.outcome_json ? (JSON.parse(g.outcome_json) as { vouchers: VoucherOutcome[] }) : null;
          const ruleId = Number(g.rule_id);
          return {
            id: String(g.id),
            ruleId: ruleId === TIER_BIRTHDAY_RULE ? null : String(ruleId),
            ruleName: ruleId === TIER_BIRTHDAY_RULE ? '等级生日积分' : (names.get(ruleId) ?? `#${ruleId}`),
            memberId: String(g.member_id),
            trigger: g.trigger_kind as GiftTrigger,
            occurrence: g.occurrence,
            status: g.status as 'pending',
            points: Number(g.points),
            vouchers: parseLines(g.vouchers_json).map((l) => {
              const o = outcome?.vouchers.find((v) => v.benefitId === l.benefitId);
              return {
                benefitId: String(l.benefitId),
                count: l.count,
                given: o?.given ?? 0,
                skipped: o?.skipped ?? null,
              };
            }),
            createdAt: isoOf(Number(g.created_at))!,
            grantedAt: isoOf(g.granted_at === null ? null : Number(g.granted_at)),
          };
        }),
        nextCursor:
          rows.length > query.limit ? Buffer.from(String(page[page.length - 1].id)).toString('base64url') : null,
      };
    });
  }

  private async checkTier(code: string | null | undefined) {
    if (code && !(await this.tiers.rules()).tiers.some((t) => t.code === code))
      throw new AppError('VALIDATION_FAILED', `Unknown tier ${code}`, { field: 'tierCode' });
  }

  private async checkBenefits(q: Q, lines: { benefitId: string }[]) {
    for (const l of lines) {
      const b = await benefitIn(q, Number(l.benefitId));
      if (!b || b.status === 'deleted') throw new AppError('BENEFIT_NOT_FOUND', undefined, { benefitId: l.benefitId });
    }
  }

  private async audit(
    q: Q,
    by: OperatorAct,
    now: number,
    r: { action: string; targetId: number; before?: unknown; after: unknown },
  ) {
    await audit(
      q,
      { actorType: 'operator', actorId: by.staffId, targetType: 'gift_rule', requestId: by.requestId, ...r },
      new Date(now),
    );
  }

  private async viewIn(q: Q, id: number) {
    const r = await store.ruleIn(q, id);
    if (!r) throw new AppError('GIFT_RULE_NOT_FOUND');
    return this.viewOf(q, r, (await store.grantTalliesIn(q, id)).get(id));
  }

  private async viewOf(q: Q, r: store.RuleRow, tally: Record<string, number> | undefined) {
    const vouchers = [];
    for (const l of parseLines(r.vouchers_json))
      vouchers.push({
        benefitId: String(l.benefitId),
        count: l.count,
        title: (await benefitIn(q, l.benefitId))?.title ?? `#${l.benefitId}`,
      });
    return {
      id: String(r.id),
      name: r.name,
      trigger: r.trigger_kind as GiftTrigger,
      tierCode: r.tier_code,
      points: Number(r.points),
      vouchers,
      enabled: r.status === 'enabled',
      grants: {
        pending: tally?.pending ?? 0,
        granted: tally?.granted ?? 0,
        partial: tally?.partial ?? 0,
        skipped: tally?.skipped ?? 0,
      },
      createdAt: isoOf(Number(r.created_at))!,
      updatedAt: isoOf(Number(r.updated_at))!,
    };
  }
}
