import { maskName } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import { AppError } from '../../core/errors';
import type { StaffPrincipal } from '../../core/principals';
import type { Clock } from '../../core/clock';
import { RateLimiter } from '../../core/rate-limit';
import { audit } from '../audit/audit';
import { requireStore } from '../checkout/service';
import { nicknameOf } from '../members/store';
import { voucherByCodeIn, writeOffVoucherIn } from './store-vouchers';
import { effectiveStatus, voucherRefusal } from './vouchers';

/**
 * Staff write-off at the till: preview, then one conditional update from
 * 'unused' to 'used' while valid. Two tills scanning the same voucher at once:
 * one update matches, the other sees VOUCHER_USED. Lookups of unknown codes
 * are throttled per store, so codes cannot be enumerated.
 */
export class WriteOffService {
  private readonly misses = new RateLimiter(30, 60_000);
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async preview(staff: StaffPrincipal, code: string) {
    const storeId = requireStore(staff);
    const now = this.clock.now().getTime();
    this.misses.peek(`voucher-miss:${storeId}`, now);
    const found = await this.db.read(async (q) => {
      const v = await voucherByCodeIn(q, code);
      const member = v && (await nicknameOf(q, Number(v.member_id)));
      return v && member ? { ...v, nickname: member.nickname } : undefined;
    });
    if (!found) {
      this.misses.hit(`voucher-miss:${storeId}`, now);
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
    this.misses.peek(`voucher-miss:${storeId}`, now);
    return this.db.tx(async (q) => {
      const done = await writeOffVoucherIn(q, { code, storeId, staffId: staff.id, now });
      const v = await voucherByCodeIn(q, code);
      if (!v) {
        this.misses.hit(`voucher-miss:${storeId}`, now);
        throw new AppError('VOUCHER_NOT_FOUND');
      }
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
    });
  }
}
