import { maskName } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import { AppError, isAppError } from '../../core/errors';
import type { StaffPrincipal } from '../../core/principals';
import type { Clock } from '../../core/clock';
import { limits, type Limits } from '../limits/service';
import { audit } from '../audit/audit';
import { requireStore } from '../../core/principals';
import { nicknameOf } from '../members/store';
import { voucherByCodeIn, writeOffVoucherIn } from './store-vouchers';
import { effectiveStatus, voucherRefusal } from './vouchers';

/**
 * Staff write-off at the till: preview, then one conditional update from
 * 'unused' to 'used' while valid. Two tills scanning the same voucher at once:
 * one update matches, the other sees VOUCHER_USED. Lookups of unknown codes
 * are throttled per store, so codes cannot be enumerated (counted in the
 * database for every instance: one SELECT per lookup, one upsert per miss).
 */
export class WriteOffService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly limits: Limits,
  ) {}

  async preview(staff: StaffPrincipal, code: string) {
    const storeId = requireStore(staff);
    const now = this.clock.now().getTime();
    const misses = limits.voucherMissesPerStore(storeId);
    await this.limits.check([], [misses], now);
    const found = await this.db.read(async (q) => {
      const v = await voucherByCodeIn(q, code);
      const member = v && (await nicknameOf(q, Number(v.member_id)));
      return v && member ? { ...v, nickname: member.nickname } : undefined;
    });
    if (!found) {
      await this.limits.count([misses], now);
      throw new AppError('VOUCHER_NOT_FOUND');
    }
    const status = effectiveStatus(found, now);
    const reasons: Record<string, string> = { used: '已核销', expired: '已过期', cancelled: '已取消' };
    return {
      code: found.code,
      title: found.title ?? '',
      status,
      validUntil: new Date(Number(found.valid_until)).toISOString(),
      memberMaskedName: maskName(found.nickname),
      // Public field name: "can be written off now".
      redeemable: status === 'unused',
      reason: reasons[status] ?? null,
    };
  }

  async writeOff(staff: StaffPrincipal, code: string, requestId?: string) {
    const storeId = requireStore(staff);
    const now = this.clock.now().getTime();
    const misses = limits.voucherMissesPerStore(storeId);
    await this.limits.check([], [misses], now);
    // The miss is counted after the transaction has rolled back: inside it, the count would roll back too.
    return this.db
      .tx(async (q) => this.writeOffIn(q, staff, storeId, code, now, requestId))
      .catch(async (err) => {
        if (isAppError(err) && err.code === 'VOUCHER_NOT_FOUND') await this.limits.count([misses], now);
        throw err;
      });
  }

  private async writeOffIn(
    q: Q,
    staff: StaffPrincipal,
    storeId: number,
    code: string,
    now: number,
    requestId?: string,
  ) {
    const done = await writeOffVoucherIn(q, { code, storeId, staffId: staff.id, now });
    const v = await voucherByCodeIn(q, code);
    if (!v) throw new AppError('VOUCHER_NOT_FOUND');
    if (!done) throw voucherRefusal(v, now);
    await audit(
      q,
      {
        actorType: 'staff',
        actorId: staff.id,
        action: 'voucher.write_off',
        targetType: 'voucher',
        targetId: Number(v.id),
        after: { storeId, code },
        requestId,
      },
      new Date(now),
    );
    return { code: v.code, title: v.title ?? '', redeemedAt: new Date(now).toISOString(), storeId: String(storeId) };
  }
}
