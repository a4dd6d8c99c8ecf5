import { maskName } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import { AppError } from '../../core/errors';
import type { StaffPrincipal } from '../../core/principals';
import type { Clock } from '../../core/clock';
import { RateLimiter } from '../../core/rate-limit';
import { audit } from '../audit/audit';
import { requireStore } from '../checkout/service';
import { effectiveStatus, VOUCHER_SELECT, type VoucherRow } from './vouchers';
import { voucherRefusal } from './service';

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
    const v = await this.db.read((q) =>
      q.one<VoucherRow & { nickname: string | null }>(
        `${VOUCHER_SELECT.replace('SELECT v.id', 'SELECT m.nickname, v.id')} JOIN members m ON m.id = v.member_id WHERE v.code = ?`,
        [code],
      ),
    );
    if (!v) {
      this.misses.hit(`voucher-miss:${storeId}`, now);
      throw new AppError('VOUCHER_NOT_FOUND');
    }
    const status = effectiveStatus(v, now);
    const reasons: Record<string, string> = { used: '已核销', expired: '已过期', cancelled: '已取消' };
    return {
      code: v.code,
      title: v.title ?? '',
      status,
      validUntil: new Date(Number(v.valid_until)).toISOString(),
      memberMaskedName: maskName(v.nickname),
      redeemable: status === 'unused',
      reason: reasons[status] ?? null,
    };
  }

  async writeOff(staff: StaffPrincipal, code: string, requestId?: string) {
    const storeId = requireStore(staff);
    const now = this.clock.now().getTime();
    this.misses.peek(`voucher-miss:${storeId}`, now);
    return this.db.tx(async (q) => {
      const done = await q.exec(
        "UPDATE vouchers SET status = 'used', redeemed_at = ?, redeemed_store_id = ?, redeemed_staff_id = ? WHERE code = ? AND status = 'unused' AND valid_until > ?",
        [now, storeId, staff.id, code, now],
      );
      const v = await q.one<VoucherRow>(`${VOUCHER_SELECT} WHERE v.code = ?`, [code]);
      if (!v) {
        this.misses.hit(`voucher-miss:${storeId}`, now);
        throw new AppError('VOUCHER_NOT_FOUND');
      }
      if (done !== 1) throw voucherRefusal(v, now);
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
