import { createHash, randomInt } from 'node:crypto';
import {
  businessDate,
  isReferralCode,
  maskName,
  milestoneAt,
  milestoneProgress,
  REFERRAL_ALPHABET,
  REFERRAL_CODE_LENGTH,
  sharePath,
  type ReferralRules,
} from '@huiyuan/shared';
import { isDuplicateKey, sql, type Database, type Q } from '../../db/database';
import { incrementIn } from '../caps/counter';
import { tryCountWithinCap } from '../caps/service';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { Ledger } from '../points/ledger';
import { enqueueIn } from '../notifications/outbox';
import { hasKeptOrder } from '../checkout/store';
import { isClosedIdentity, memberSql, nicknameOf, nicknamesOf, openidOf, phoneHmacOf } from '../members/store';

const DAY_MS = 86_400_000;
export const identityHash = (kind: 'openid' | 'phone', value: string) =>
  createHash('sha256').update(`${kind}:${value}`).digest('hex');

/**
 * Referrals. The invitee's row (primary key = invitee) makes "one inviter per
 * member" a fact; binding happens only inside the registration transaction, so
 * loops cannot form; the reward flips the row's status conditionally, so it is
 * paid once; the inviter's milestone counter is a row updated under its lock, so
 * twenty registrations at once count to exactly twenty.
 */
export class ReferralService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly ledger: Ledger,
    private readonly tz: string,
  ) {}

  /** The member's invite code, created on first use. */
  async codeIn(q: Q, memberId: number, now: Date): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const row = await q.one<{ code: string }>('SELECT code FROM referral_codes WHERE member_id = ?', [memberId]);
      if (row) return row.code;
      const code = Array.from(
        { length: REFERRAL_CODE_LENGTH },
        () => REFERRAL_ALPHABET[randomInt(REFERRAL_ALPHABET.length)],
      ).join('');
      try {
        await q.exec(
          `${sql.insertIgnore(q.dialect)} INTO referral_codes (member_id, code, created_at) VALUES (?, ?, ?)`,
          [memberId, code, now.getTime()],
        );
      } catch (err) {
        if (!isDuplicateKey(err) || attempt > 5) throw err;
      }
    }
  }

  /** Registration hook: binds the new member to the code's owner, once, and rewards when the trigger is registration. */
  async onRegisteredIn(q: Q, inviteeId: number, now: Date, ref: string | undefined): Promise<void> {
    await this.codeIn(q, inviteeId, now);
    if (!ref) return;
    const code = ref.trim().toUpperCase();
    if (!isReferralCode(code)) return; // a bad code never blocks registration
    const owner = await q.one<{ member_id: number; status: string }>(
      `SELECT c.member_id, ${memberSql.status('c.member_id')} AS status FROM referral_codes c WHERE c.code = ?`,
      [code],
    );
    if (!owner || owner.status !== 'active' || Number(owner.member_id) === inviteeId) return;
    const me = await openidOf(q, inviteeId);
    // A closed account coming back under the same WeChat identity is not a new invitee.
    if (me && (await isClosedIdentity(q, identityHash('openid', me.openid)))) return;
    const inviterId = Number(owner.member_id);
    const bound = await q.exec(
      `${sql.insertIgnore(q.dialect)} INTO referrals (invitee_id, inviter_id, status, seq, created_at) VALUES (?, ?, 'registered', 0, ?)`,
      [inviteeId, inviterId, now.getTime()],
    );
    if (bound !== 1) return;
    const rules = await this.settings.get('referrals.rules');
    if (rules.trigger === 'registration') await this.rewardIn(q, inviteeId, now, rules);
  }

  /** Checkout hook: marks the invitee's first purchase; the reward waits for the refund window. */
  async onPurchaseIn(q: Q, memberId: number, now: Date): Promise<void> {
    // The first purchase is recorded for the funnel whatever the trigger; only a waiting invite changes status.
    await q.exec('UPDATE referrals SET first_purchase_at = ? WHERE invitee_id = ? AND first_purchase_at IS NULL', [
      now.getTime(),
      memberId,
    ]);
    await q.exec("UPDATE referrals SET status = 'purchased' WHERE invitee_id = ? AND status = 'registered'", [
      memberId,
    ]);
  }

  /** Job: rewards first purchases whose refund window has passed (and were not refunded in full). Chunked. */
  async settleDue(): Promise<number> {
    const now = this.clock.now();
    const rules = await this.settings.get('referrals.rules');
    if (rules.trigger !== 'first_purchase') return 0;
    const due = await this.db.read((q) =>
      q.all<{ invitee_id: number }>(
        "SELECT invitee_id FROM referrals WHERE status = 'purchased' AND first_purchase_at <= ? ORDER BY first_purchase_at LIMIT 1000",
        [now.getTime() - rules.refundWindowDays * DAY_MS],
      ),
    );
    let paid = 0;
    for (const { invitee_id } of due) {
      const ok = await this.db.tx(async (q) => {
        const kept = await hasKeptOrder(q, Number(invitee_id));
        if (!kept) {
          await q.exec(
            "UPDATE referrals SET status = 'registered', first_purchase_at = NULL WHERE invitee_id = ? AND status = 'purchased'",
            [invitee_id],
          );
          return false;
        }
        return this.rewardIn(q, Number(invitee_id), now, rules);
      });
      if (ok) paid++;
    }
    return paid;
  }

  private async rewardIn(q: Q, inviteeId: number, now: Date, rules: ReferralRules): Promise<boolean> {
    const row = await q.one<{ inviter_id: number }>('SELECT inviter_id FROM referrals WHERE invitee_id = ?', [
      inviteeId,
    ]);
    if (!row) return false;
    const inviterId = Number(row.inviter_id);
    // A phone number that belonged to a deleted account does not earn invite rewards again.
    const phoneHmac = await phoneHmacOf(q, inviteeId);
    if (phoneHmac && (await isClosedIdentity(q, identityHash('phone', phoneHmac)))) return false;
    const date = businessDate(now, this.tz);
    // Daily cap per inviter: a counter with a ceiling; over it the binding stays, the reward does not come.
    if (!(await tryCountWithinCap(q, 'referral_reward', inviterId, date, rules.dailyCapPerInviter))) {
      // This invite is capped, not rewarded (its count was taken back).
      await q.exec(
        "UPDATE referrals SET status = 'capped' WHERE invitee_id = ? AND status IN ('registered', 'purchased')",
        [inviteeId],
      );
      return false;
    }
    // The milestone counter is updated under its row lock: concurrent rewards count one after another.
    const nth = await incrementIn(q, 'referral_milestones', { inviter_id: inviterId }, 'rewarded', 1, {
      updated_at: now.getTime(),
    });
    const flipped = await q.exec(
      "UPDATE referrals SET status = 'rewarded', rewarded_at = ?, seq = ? WHERE invitee_id = ? AND status IN ('registered', 'purchased')",
      [now.getTime(), nth, inviteeId],
    );
    if (flipped !== 1) throw new Error(`referral of ${inviteeId} changed under its reward`);
    const credit = (memberId: number, points: number, key: string, reason: string) =>
      points > 0
        ? this.ledger.creditIn(q, { key, memberId, points, type: 'credit', reason, ref: `referral:${inviteeId}` })
        : null;
    await credit(inviterId, rules.inviterPoints, `referral:${inviteeId}:inviter`, 'referral_inviter');
    await credit(inviteeId, rules.inviteePoints, `referral:${inviteeId}:invitee`, 'referral_invitee');
    const milestone = milestoneAt(rules, nth);
    if (milestone !== null)
      await credit(
        inviterId,
        rules.milestoneBonus,
        `referral-milestone:${inviterId}:${milestone}`,
        'referral_milestone',
      );
    await enqueueIn(
      q,
      {
        dedupeKey: `referral:${inviteeId}`,
        kind: 'referral_reward',
        memberId: inviterId,
        payload: {
          points: rules.inviterPoints + (milestone !== null ? rules.milestoneBonus : 0),
          invites: nth,
          milestone,
        },
      },
      now,
    );
    return true;
  }

  async view(memberId: number) {
    const now = this.clock.now();
    const rules = await this.settings.get('referrals.rules');
    const code = await this.db.tx((q) => this.codeIn(q, memberId, now));
    return this.db.read(async (q) => {
      const invited = await q.all<{ invitee_id: number; status: string; created_at: number }>(
        'SELECT r.invitee_id, r.status, r.created_at FROM referrals r WHERE r.inviter_id = ? ORDER BY r.created_at DESC LIMIT 200',
        [memberId],
      );
      const names = await nicknamesOf(
        q,
        invited.map((r) => Number(r.invitee_id)),
      );
      const invitees = invited
        .filter((r) => names.has(Number(r.invitee_id)))
        .map(({ invitee_id, ...r }) => ({ nickname: names.get(Number(invitee_id)) ?? null, ...r }));
      const successful = Number(
        (await q.one<{ rewarded: number }>('SELECT rewarded FROM referral_milestones WHERE inviter_id = ?', [memberId]))
          ?.rewarded ?? 0,
      );
      const inviter = await q.one<{ inviter_id: number }>(
        'SELECT r.inviter_id FROM referrals r WHERE r.invitee_id = ?',
        [memberId],
      );
      const by = inviter ? await nicknameOf(q, Number(inviter.inviter_id)) : undefined;
      return {
        code,
        sharePath: sharePath(code),
        rules: {
          inviterPoints: rules.inviterPoints,
          inviteePoints: rules.inviteePoints,
          trigger: rules.trigger,
          refundWindowDays: rules.refundWindowDays,
        },
        successful,
        milestone: milestoneProgress(rules, successful),
        invitees: invitees.map((i) => ({
          maskedName: maskName(i.nickname),
          status: i.status as 'registered',
          registeredAt: new Date(Number(i.created_at)).toISOString(),
        })),
        invitedBy: by ? { maskedName: maskName(by.nickname) } : null,
      };
    });
  }
}
