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
import { isDuplicateKey, type Database, type Q } from '../../db/database';
import { tryCountWithinCap } from '../caps/service';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { Ledger } from '../points/ledger';
import { enqueueIn } from '../notifications/outbox';
import { hasKeptOrder } from '../checkout/store';
import { isClosedIdentity, nicknameOf, nicknamesOf, openidOf, phoneHmacOf } from '../members/store';
import {
  bind,
  codeOf,
  codeOwner,
  countRewarded,
  insertCode,
  invitesOf,
  inviterOf,
  markCapped,
  markPurchased,
  markRewarded,
  duePage,
  rewardedCount,
  unmarkPurchased,
} from './store';

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
      const existing = await codeOf(q, memberId);
      if (existing) return existing;
      const code = Array.from(
        { length: REFERRAL_CODE_LENGTH },
        () => REFERRAL_ALPHABET[randomInt(REFERRAL_ALPHABET.length)],
      ).join('');
      try {
        await insertCode(q, memberId, code, now);
      } catch (err) {
        if (!isDuplicateKey(err) || attempt > 5) throw err;
      }
    }
  }

  /** Registration hook: binds the new member to the code's owner, once, and rewards when the trigger is registration. */
  async onRegisteredIn(q: Q, inviteeId: number, now: Date, ref: string | undefined): Promise<void> {
    await this.codeIn(q, inviteeId, now);
    if (!ref) return;
    // A mini-program code's scene (`r=<code>`, or the older `ref=<code>`) passed on whole is read as its code.
    const code = ref
      .trim()
      .replace(/^(r|ref)=/i, '')
      .toUpperCase();
    if (!isReferralCode(code)) return; // a bad code never blocks registration
    const owner = await codeOwner(q, code);
    if (!owner || owner.status !== 'active' || owner.memberId === inviteeId) return;
    const me = await openidOf(q, inviteeId);
    // A closed account coming back under the same WeChat identity is not a new invitee.
    if (me && (await isClosedIdentity(q, identityHash('openid', me.openid)))) return;
    if (!(await bind(q, inviteeId, owner.memberId, now))) return;
    const rules = await this.settings.get('referrals.rules');
    if (rules.trigger === 'registration') await this.rewardIn(q, inviteeId, now, rules);
  }

  /** Checkout hook: marks the invitee's first purchase; the reward waits for the refund window. */
  async onPurchaseIn(q: Q, memberId: number, now: Date): Promise<void> {
    // The first purchase is recorded for the funnel whatever the trigger; only a waiting invite changes status.
    await markPurchased(q, memberId, now);
  }

  /**
   * Job: rewards first purchases whose refund window has passed (and were not
   * refunded in full), page after page of `chunk` until none is due, so a backlog
   * is settled in one run. `onProgress` runs every 100 invites (the nightly job's
   * checkpoint: it throws to stop a run that lost its lease).
   */
  async settleDue(onProgress?: (done: number, paid: number) => Promise<void>, chunk = 1000): Promise<number> {
    const now = this.clock.now();
    const rules = await this.settings.get('referrals.rules');
    if (rules.trigger !== 'first_purchase') return 0;
    const before = now.getTime() - rules.refundWindowDays * DAY_MS;
    let paid = 0;
    let done = 0;
    for (let after: { at: number; id: number } | null = null; ;) {
      const due = await this.db.read((q) => duePage(q, before, after, chunk));
      for (const { inviteeId } of due) {
        if (onProgress && done > 0 && done % 100 === 0) await onProgress(done, paid);
        done++;
        const ok = await this.db.tx(async (q) => {
          if (!(await hasKeptOrder(q, inviteeId))) {
            await unmarkPurchased(q, inviteeId);
            return false;
          }
          return this.rewardIn(q, inviteeId, now, rules);
        });
        if (ok) paid++;
      }
      if (due.length < chunk) return paid;
      const last = due[due.length - 1];
      after = { at: last.at, id: last.inviteeId };
    }
  }

  private async rewardIn(q: Q, inviteeId: number, now: Date, rules: ReferralRules): Promise<boolean> {
    const inviterId = await inviterOf(q, inviteeId);
    if (inviterId === undefined) return false;
    // A phone number that belonged to a deleted account does not earn invite rewards again.
    const phoneHmac = await phoneHmacOf(q, inviteeId);
    if (phoneHmac && (await isClosedIdentity(q, identityHash('phone', phoneHmac)))) return false;
    const date = businessDate(now, this.tz);
    // Daily cap per inviter: a counter with a ceiling; over it the binding stays, the reward does not come.
    if (!(await tryCountWithinCap(q, 'referral_reward', inviterId, date, rules.dailyCapPerInviter))) {
      // This invite is capped, not rewarded (its count was taken back).
      await markCapped(q, inviteeId);
      return false;
    }
    // The milestone counter is updated under its row lock: concurrent rewards count one after another.
    const nth = await countRewarded(q, inviterId, now);
    if (!(await markRewarded(q, inviteeId, nth, now)))
      throw new Error(`referral of ${inviteeId} changed under its reward`);
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
      const invited = await invitesOf(q, memberId, 200);
      const names = await nicknamesOf(
        q,
        invited.map((r) => r.inviteeId),
      );
      // An invitee whose account row is gone is not listed.
      const invitees = invited
        .filter((r) => names.has(r.inviteeId))
        .map((r) => ({ nickname: names.get(r.inviteeId) ?? null, status: r.status, created_at: r.createdAt }));
      const successful = await rewardedCount(q, memberId);
      const inviterId = await inviterOf(q, memberId);
      const by = inviterId !== undefined ? await nicknameOf(q, inviterId) : undefined;
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
