import { randomBytes } from 'node:crypto';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { MemberService } from '../members/service';
import type { ReferralService } from '../referrals/service';
import { identityHash } from '../referrals/service';
import { audit } from '../audit/audit';
import { exportGrowth, exportTier } from '../tiers/store';
import { exportOrders } from '../checkout/store';

const iso = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/**
 * Export and deletion of a member's personal data. Deletion erases what
 * identifies the person (names, birthday, phone, WeChat ids, messages,
 * subscriptions, invite code) and keeps the ledgers under the numeric id, which
 * no longer points to anyone: balances, stock and reconciliation stay whole.
 */
export class PrivacyService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly members: MemberService,
    private readonly referrals: ReferralService,
  ) {}

  async export(memberId: number) {
    const view = await this.referrals.view(memberId);
    return this.db.read(async (q) => {
      const all = (sql: string) => q.all<Record<string, unknown>>(sql, [memberId]);
      const m = await q.one<Record<string, unknown> & { phone_enc: string | null }>(
        'SELECT id, openid, unionid, nickname, birthday, phone_enc, consent_version, consent_at, status, created_at FROM members WHERE id = ?',
        [memberId],
      );
      if (!m) throw new AppError('MEMBER_NOT_FOUND');
      const { phone_enc, ...profile } = m;
      const times = (rows: Record<string, unknown>[]) =>
        rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /_at$/.test(k) ? iso(v) : v])));
      return {
        exportedAt: this.clock.now().toISOString(),
        profile: { ...times([profile])[0], phone: phone_enc ? this.members.decryptPhone(phone_enc) : null },
        points: {
          balance: Number(
            (await q.one<{ balance: number }>('SELECT balance FROM points_accounts WHERE member_id = ?', [memberId]))
              ?.balance ?? 0,
          ),
          entries: times(
            await all(
              'SELECT id, delta, type, reason, ref, balance_after, store_id, created_at FROM points_entries WHERE member_id = ? ORDER BY id',
            ),
          ),
          lots: times(
            await all(
              'SELECT id, earned, remaining, expires_at, created_at FROM points_lots WHERE member_id = ? ORDER BY id',
            ),
          ),
        },
        growth: times(await exportGrowth(q, memberId)),
        tier: times(await exportTier(q, memberId))[0] ?? null,
        orders: times(await exportOrders(q, memberId)),
        checkins: await all(
          'SELECT business_date, kind, streak, points FROM checkins WHERE member_id = ? ORDER BY business_date',
        ),
        tasks: times(
          await all(
            'SELECT task_code, period_key, points, growth, created_at FROM task_completions WHERE member_id = ?',
          ),
        ),
        vouchers: times(
          await all(
            'SELECT id, code, benefit_id, status, cost_points, valid_until, redeemed_at, created_at FROM vouchers WHERE member_id = ? ORDER BY id',
          ),
        ),
        referrals: { code: view.code, invitees: view.invitees, invitedBy: view.invitedBy },
        messages: times(
          await all(
            'SELECT id, kind, title, body, read_at, created_at FROM inbox_messages WHERE member_id = ? ORDER BY id',
          ),
        ),
        subscriptions: await all(
          'SELECT template_key, allowance, banned FROM subscription_allowances WHERE member_id = ?',
        ),
      };
    });
  }

  async delete(memberId: number, requestId?: string) {
    const now = this.clock.now();
    return this.db.tx(async (q: Q) => {
      const m = await q.one<{ openid: string; phone_hmac: string | null; status: string }>(
        'SELECT openid, phone_hmac, status FROM members WHERE id = ?',
        [memberId],
      );
      if (!m || m.status !== 'active') throw new AppError('MEMBER_NOT_FOUND');
      // Remember hashes only: the same WeChat account or phone cannot come back as a "new" invitee.
      for (const h of [
        identityHash('openid', m.openid),
        ...(m.phone_hmac ? [identityHash('phone', m.phone_hmac)] : []),
      ]) {
        if (!(await q.one('SELECT identity_hash FROM closed_identities WHERE identity_hash = ?', [h]))) {
          await q.exec('INSERT INTO closed_identities (identity_hash, closed_at) VALUES (?, ?)', [h, now.getTime()]);
        }
      }
      await q.exec(
        `UPDATE members SET openid = ?, unionid = NULL, nickname = NULL, birthday = NULL, phone_enc = NULL, phone_hmac = NULL,
           consent_version = NULL, consent_at = NULL, status = 'deleted', token_version = token_version + 1, updated_at = ? WHERE id = ?`,
        [`deleted:${memberId}:${randomBytes(8).toString('hex')}`, now.getTime(), memberId],
      );
      for (const t of ['inbox_messages', 'subscription_allowances', 'referral_codes', 'member_secrets'])
        await q.exec(`DELETE FROM ${t} WHERE member_id = ?`, [memberId]);
      await q.exec('UPDATE staff_accounts SET member_id = NULL WHERE member_id = ?', [memberId]);
      await audit(
        q,
        {
          actorType: 'member',
          actorId: memberId,
          action: 'member.delete',
          targetType: 'member',
          targetId: memberId,
          requestId,
        },
        now,
      );
      return { deleted: true as const, at: now.toISOString() };
    });
  }
}
