import type { BodyOf, endpoints } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import { audit } from '../audit/audit';
import type { TierService } from '../tiers/service';
import {
  benefitIn,
  catalogueIn,
  insertBenefitIn,
  topUpStockIn,
  updateBenefitIn,
  type BenefitFields,
  type BenefitPatch,
  type BenefitRow,
} from './store';
import { voucherTalliesIn } from './store-vouchers';
import { imageUrl } from '../media/urls';
import { isoOf } from '../../core/iso';

/** Resolves an uploaded image id to its key (media), refusing an unknown id on `field`. */
export interface ImageKeys {
  requireKey(id: string, field: string): Promise<string>;
}

const ms = (s: string | null | undefined) => (s ? new Date(s).getTime() : null);

/** Who changes the catalogue, for the audit row. */
export interface OperatorAct {
  staffId: number;
  requestId?: string;
}

/**
 * The catalogue, for operators: create, change, top up stock, list with vouchers
 * issued and written off. Stock only grows by top-ups; every change is audited in
 * its own transaction.
 */
export class CatalogueService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tiers: TierService,
    private readonly images: ImageKeys,
  ) {}

  async list() {
    return this.db.read(async (q) => {
      const rows = await catalogueIn(q);
      const tallies = await voucherTalliesIn(
        q,
        rows.map((b) => Number(b.id)),
      );
      const items = [];
      for (const b of rows) items.push(await this.view(b, tallies.get(Number(b.id))));
      return { items };
    });
  }

  async create(by: OperatorAct, body: BodyOf<typeof endpoints.adminCreateBenefit>) {
    await this.checkTier(body.minTier);
    const imageKey = body.imageId ? await this.images.requireKey(body.imageId, 'imageId') : null;
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const id = await insertBenefitIn(
        q,
        {
          title: body.title,
          description: body.description,
          kind: body.kind,
          costPoints: body.costPoints,
          stock: body.stock,
          perMemberLimit: body.perMemberLimit,
          minTier: body.minTier,
          visibleFrom: ms(body.visibleFrom),
          visibleUntil: ms(body.visibleUntil),
          validDays: body.validDays,
          validUntil: ms(body.validUntil),
          memberDayOnly: body.memberDayOnly,
          paidMembersOnly: body.paidMembersOnly,
          imageKey,
        },
        now,
      );
      await this.audit(q, by, now, { action: 'benefit.create', targetId: id, after: body });
      return this.viewIn(q, id);
    });
  }

  async patch(by: OperatorAct, id: number, body: BodyOf<typeof endpoints.adminPatchBenefit>) {
    await this.checkTier(body.minTier);
    const imageKey = body.imageId ? await this.images.requireKey(body.imageId, 'imageId') : body.imageId;
    return this.db.tx(async (q) => {
      const before = await this.viewIn(q, id);
      const patch: BenefitPatch = {
        title: body.title,
        description: body.description,
        perMemberLimit: body.perMemberLimit,
        minTier: body.minTier,
        status: body.status,
        visibleFrom: body.visibleFrom === undefined ? undefined : ms(body.visibleFrom),
        visibleUntil: body.visibleUntil === undefined ? undefined : ms(body.visibleUntil),
        memberDayOnly: body.memberDayOnly === undefined ? undefined : body.memberDayOnly ? 1 : 0,
        paidMembersOnly: body.paidMembersOnly === undefined ? undefined : body.paidMembersOnly ? 1 : 0,
        imageKey,
      };
      const now = this.clock.now().getTime();
      await updateBenefitIn(q, id, patch, now);
      await this.audit(q, by, now, { action: 'benefit.update', targetId: id, before, after: body });
      return this.viewIn(q, id);
    });
  }

  async topUp(by: OperatorAct, id: number, add: number) {
    return this.db.tx(async (q) => {
      const before = await this.viewIn(q, id);
      const now = this.clock.now().getTime();
      await topUpStockIn(q, id, add, now);
      await this.audit(q, by, now, {
        action: 'benefit.stock_top_up',
        targetId: id,
        before: { stockTotal: before.stockTotal, stockLeft: before.stockLeft },
        after: { add },
      });
      return this.viewIn(q, id);
    });
  }

  /** Adds a benefit inside the caller's unit of work, unaudited: for the demo seed, not for operators. */
  async seedIn(q: Q, b: BenefitFields, now: number): Promise<number> {
    return insertBenefitIn(q, b, now);
  }

  private async checkTier(code: string | null | undefined) {
    if (code && !(await this.tiers.rules()).tiers.some((t) => t.code === code))
      throw new AppError('VALIDATION_FAILED', `Unknown tier ${code}`, { field: 'minTier' });
  }

  private async audit(
    q: Q,
    by: OperatorAct,
    now: number,
    r: { action: string; targetId: number; before?: unknown; after: unknown },
  ) {
    await audit(
      q,
      { actorType: 'operator', actorId: by.staffId, targetType: 'benefit', requestId: by.requestId, ...r },
      new Date(now),
    );
  }

  private async viewIn(q: Q, id: number) {
    const b = await benefitIn(q, id);
    if (!b) throw new AppError('BENEFIT_NOT_FOUND');
    return this.view(b, (await voucherTalliesIn(q, [id])).get(id));
  }

  private async view(b: BenefitRow, tally: { issued: number; writtenOff: number } | undefined) {
    const rules = await this.tiers.rules();
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
      validity: { days: Number(b.valid_days) > 0 ? Number(b.valid_days) : null, until: isoOf(b.valid_until) },
      visibleFrom: isoOf(b.visible_from),
      visibleUntil: isoOf(b.visible_until),
      memberDayOnly: Number(b.member_day_only) === 1,
      paidMembersOnly: Number(b.paid_members_only) === 1,
      imageUrl: imageUrl(b.image_key),
      status: b.status,
      issued: tally?.issued ?? 0,
      writtenOff: tally?.writtenOff ?? 0,
    };
  }
}
