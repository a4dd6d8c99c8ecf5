import { createHash } from 'node:crypto';
import { isDuplicateKey, RetryTransaction, type Database, type Q } from '../../db/database';
import { incrementIn } from '../caps/counter';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Ledger } from '../points/ledger';
import type { TierService } from '../tiers/service';
import { newVoucherCode, voucherView, VOUCHER_SELECT, type VoucherRow } from './vouchers';

const DAY_MS = 86_400_000;
const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export interface BenefitRow {
  id: number;
  title: string;
  description: string | null;
  kind: string;
  cost_points: number;
  stock_total: number;
  stock_left: number;
  per_member_limit: number;
  min_tier: string | null;
  visible_from: number | null;
  visible_until: number | null;
  valid_days: number;
  valid_until: number | null;
  status: string;
}

/**
 * Redemption: per-member limit, points, stock and the voucher in one transaction,
 * each guarded by a conditional update (no read-modify-write, no count-then-insert).
 * The hot stock row is touched last, so its lock is held for the shortest time.
 * Idempotent on the client's key: a replay returns the first voucher.
 */
export class BenefitService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ledger: Ledger,
    private readonly tiers: TierService,
  ) {}

  async list(memberId: number) {
    const now = this.clock.now().getTime();
    const rules = await this.tiers.rules();
    return this.db.read(async (q) => {
      const tier = await this.tiers.tierOfIn(q, memberId);
      const rank = (code: string | null) => (code === null ? -1 : rules.tiers.findIndex((t) => t.code === code));
      const rows = await q.all<BenefitRow>(
        `SELECT * FROM benefits WHERE status = 'active' AND (visible_from IS NULL OR visible_from <= ?) AND (visible_until IS NULL OR visible_until > ?) ORDER BY cost_points, id`,
        [now, now],
      );
      const counts = await q.all<{ benefit_id: number; redeemed: number }>(
        'SELECT benefit_id, redeemed FROM benefit_member_counts WHERE member_id = ?',
        [memberId],
      );
      const mine = new Map(counts.map((c) => [Number(c.benefit_id), Number(c.redeemed)]));
      return {
        items: rows.map((b) => ({
          id: String(b.id),
          title: b.title,
          description: b.description ?? '',
          kind: b.kind as 'voucher',
          costPoints: Number(b.cost_points),
          stockLeft: Number(b.stock_left),
          perMemberLimit: Number(b.per_member_limit),
          myRemaining:
            Number(b.per_member_limit) > 0
              ? Math.max(0, Number(b.per_member_limit) - (mine.get(Number(b.id)) ?? 0))
              : null,
          minTier: b.min_tier
            ? { code: b.min_tier, name: rules.tiers.find((t) => t.code === b.min_tier)?.name ?? b.min_tier }
            : null,
          locked: b.min_tier !== null && rank(tier.code) < rank(b.min_tier),
          validity: {
            days: Number(b.valid_days) > 0 ? Number(b.valid_days) : null,
            until: b.valid_until ? new Date(Number(b.valid_until)).toISOString() : null,
          },
          visibleUntil: b.visible_until ? new Date(Number(b.visible_until)).toISOString() : null,
        })),
      };
    });
  }

  async redeem(memberId: number, benefitId: number, key: string) {
    const rules = await this.tiers.rules();
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const prior = await this.replay(q, memberId, key, benefitId, now);
      if (prior) return prior;
      const b = await q.one<BenefitRow>('SELECT * FROM benefits WHERE id = ?', [benefitId]);
      if (!b || b.status === 'deleted') throw new AppError('BENEFIT_NOT_FOUND');
      const visible =
        b.status === 'active' &&
        (b.visible_from === null || Number(b.visible_from) <= now) &&
        (b.visible_until === null || Number(b.visible_until) > now);
      if (!visible) throw new AppError('BENEFIT_NOT_AVAILABLE');
      if (b.min_tier) {
        const tier = await this.tiers.tierOfIn(q, memberId);
        const rank = (c: string) => rules.tiers.findIndex((t) => t.code === c);
        if (rank(tier.code) < rank(b.min_tier))
          throw new AppError('TIER_TOO_LOW', undefined, { required: b.min_tier, yours: tier.code });
      }
      const validUntil = Number(b.valid_days) > 0 ? now + Number(b.valid_days) * DAY_MS : Number(b.valid_until);
      if (!(validUntil > now))
        throw new AppError('BENEFIT_NOT_AVAILABLE', "This benefit's vouchers have already expired");
      if (Number(b.per_member_limit) > 0) {
        const redeemed = await incrementIn(
          q,
          'benefit_member_counts',
          { benefit_id: benefitId, member_id: memberId },
          'redeemed',
          1,
        );
        if (redeemed > Number(b.per_member_limit))
          throw new AppError('LIMIT_REACHED', undefined, { limit: Number(b.per_member_limit) });
      }
      // The debit reports the balance after it; only a free benefit needs to read it.
      const balance =
        Number(b.cost_points) > 0
          ? (
              await this.ledger.debitIn(q, {
                key: `redeem:${memberId}:${key}`,
                memberId,
                points: Number(b.cost_points),
                type: 'debit',
                reason: 'redemption',
                ref: `benefit:${benefitId}`,
              })
            ).balanceAfter
          : Number(
              (await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]))
                ?.balance ?? 0,
            );
      const took = await q.exec(
        'UPDATE benefits SET stock_left = stock_left - 1, updated_at = ? WHERE id = ? AND stock_left >= 1',
        [now, benefitId],
      );
      if (took !== 1) throw new AppError('OUT_OF_STOCK');
      const code = newVoucherCode();
      const id = await this.insertVoucher(q, {
        code,
        benefitId,
        memberId,
        cost: Number(b.cost_points),
        key,
        hash: sha([benefitId]),
        validUntil,
        now,
      });
      // Built from what was just written: no read-back on the hot path.
      const v: VoucherRow = {
        id,
        code,
        benefit_id: benefitId,
        member_id: memberId,
        status: 'unused',
        cost_points: Number(b.cost_points),
        valid_until: validUntil,
        redeemed_at: null,
        created_at: now,
        title: b.title,
      };
      return { voucher: voucherView(v, now), balance, replayed: false };
    });
  }

  async vouchers(memberId: number, status: string | undefined, cursor: string | undefined, limit: number) {
    const now = this.clock.now().getTime();
    const where: string[] = ['v.member_id = ?'];
    const params: unknown[] = [memberId];
    if (status === 'unused') {
      where.push("v.status = 'unused' AND v.valid_until > ?");
      params.push(now);
    }
    if (status === 'expired') {
      where.push("(v.status = 'expired' OR (v.status = 'unused' AND v.valid_until <= ?))");
      params.push(now);
    }
    if (status === 'used' || status === 'cancelled') {
      where.push('v.status = ?');
      params.push(status);
    }
    if (cursor) {
      const id = Number(Buffer.from(cursor, 'base64url').toString());
      if (!Number.isSafeInteger(id) || id <= 0)
        throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
      where.push('v.id < ?');
      params.push(id);
    }
    const rows = await this.db.read((q) =>
      q.all<VoucherRow>(`${VOUCHER_SELECT} WHERE ${where.join(' AND ')} ORDER BY v.id DESC LIMIT ${limit + 1}`, params),
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((v) => voucherView(v, now)),
      nextCursor: rows.length > limit ? Buffer.from(String(page[page.length - 1].id)).toString('base64url') : null,
    };
  }

  /** Cancels an unused, valid voucher once: the status flip is the guard; stock, limit and points come back with it. */
  async cancel(
    voucherId: number,
    memberId: number | null,
    onCancelled?: (q: Q, refundedPoints: number) => Promise<void>,
  ) {
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const v = await q.one<VoucherRow>(
        `${VOUCHER_SELECT} WHERE v.id = ?${memberId === null ? '' : ' AND v.member_id = ?'}`,
        memberId === null ? [voucherId] : [voucherId, memberId],
      );
      if (!v) throw new AppError('VOUCHER_NOT_FOUND');
      const flipped = await q.exec(
        "UPDATE vouchers SET status = 'cancelled', cancelled_at = ? WHERE id = ? AND status = 'unused' AND valid_until > ?",
        [now, voucherId, now],
      );
      if (flipped !== 1) throw voucherRefusal(v, now);
      await q.exec(
        'UPDATE benefits SET stock_left = stock_left + 1, updated_at = ? WHERE id = ? AND stock_left + 1 <= stock_total',
        [now, v.benefit_id],
      );
      await q.exec(
        'UPDATE benefit_member_counts SET redeemed = redeemed - 1 WHERE benefit_id = ? AND member_id = ? AND redeemed >= 1',
        [v.benefit_id, v.member_id],
      );
      let balance = Number(
        (await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [v.member_id]))!
          .balance,
      );
      if (Number(v.cost_points) > 0) {
        balance = (
          await this.ledger.creditIn(q, {
            key: `cancel:voucher:${voucherId}`,
            memberId: Number(v.member_id),
            points: Number(v.cost_points),
            type: 'credit',
            reason: 'redemption_cancelled',
            ref: `voucher:${voucherId}`,
          })
        ).balanceAfter;
      }
      await onCancelled?.(q, Number(v.cost_points));
      const after = (await q.one<VoucherRow>(`${VOUCHER_SELECT} WHERE v.id = ?`, [voucherId]))!;
      return {
        voucher: voucherView(after, now),
        refundedPoints: Number(v.cost_points),
        balance,
        memberId: Number(v.member_id),
      };
    });
  }

  private async replay(q: Q, memberId: number, key: string, benefitId: number, now: number) {
    const row = await q.one<VoucherRow & { input_hash: string }>(
      `${VOUCHER_SELECT.replace('SELECT v.id', 'SELECT v.input_hash, v.id')} WHERE v.member_id = ? AND v.request_key = ?`,
      [memberId, key],
    );
    if (!row) return null;
    if (row.input_hash !== sha([benefitId])) throw new AppError('IDEMPOTENCY_CONFLICT', undefined, { key });
    const balance = Number(
      (await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]))!
        .balance,
    );
    return { voucher: voucherView(row, now), balance, replayed: true };
  }

  private async insertVoucher(
    q: Q,
    v: {
      code: string;
      benefitId: number;
      memberId: number;
      cost: number;
      key: string;
      hash: string;
      validUntil: number;
      now: number;
    },
  ): Promise<number> {
    try {
      return await q.insert(
        `INSERT INTO vouchers (code, benefit_id, member_id, status, cost_points, request_key, input_hash, valid_until, created_at) VALUES (?, ?, ?, 'unused', ?, ?, ?, ?, ?)`,
        [v.code, v.benefitId, v.memberId, v.cost, v.key, v.hash, v.validUntil, v.now],
      );
    } catch (err) {
      // The same request key committed first (or, once in 2^79, a code collision): run again.
      if (isDuplicateKey(err)) throw new RetryTransaction(`voucher for ${v.key}`);
      throw err;
    }
  }
}

export function voucherRefusal(v: Pick<VoucherRow, 'status' | 'valid_until'>, now: number): AppError {
  if (v.status === 'used') return new AppError('VOUCHER_USED');
  if (v.status === 'cancelled') return new AppError('VOUCHER_CANCELLED');
  if (v.status === 'expired' || Number(v.valid_until) <= now) return new AppError('VOUCHER_EXPIRED');
  return new AppError('VOUCHER_NOT_FOUND');
}
