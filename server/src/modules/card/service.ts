import { randomBytes } from 'node:crypto';
import { MEMBER_CODE_STEP_SECONDS, memberCode, parseMemberCode, verifyMemberCode } from '@huiyuan/shared';
import { isDuplicateKey, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import { RateLimiter } from '../../core/rate-limit';
import * as store from './store';

const secretBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/**
 * The rotating member code (TOTP, RFC 6238, 30 s steps, secret per member). The
 * server accepts the current and the previous step only, and each step once:
 * `member_code_uses` has a unique (member, step) key, so a screenshot of a code
 * that was already scanned is refused. Failed codes are throttled per store and
 * per targeted member, which stops guessing long before 10^6 tries.
 */
export class MemberCodes {
  private readonly failuresPerStore = new RateLimiter(30, 60_000);
  private readonly failuresPerMember = new RateLimiter(10, 5 * 60_000);
  private readonly scansPerStore: RateLimiter;

  constructor(
    private readonly db: Database,
    scansPerStorePerMinute = 600,
  ) {
    this.scansPerStore = new RateLimiter(scansPerStorePerMinute, 60_000);
  }

  /** The member's secret, created on first use (registration creates it too). */
  async secretIn(q: Q, memberId: number, now: Date): Promise<string> {
    const existing = await store.secretOf(q, memberId);
    if (existing) return existing;
    await store.insertSecretIgnore(q, memberId, randomBytes(20).toString('hex'), now.getTime());
    return (await store.secretOf(q, memberId))!;
  }

  async card(memberId: number, now: Date): Promise<{ secretHex: string; current: string; expiresAt: Date }> {
    // Almost always a plain read: the secret is created at registration (a transaction only for older members).
    const existing = await this.db.read((q) => store.secretOf(q, memberId));
    const secretHex = existing ?? (await this.db.tx((q) => this.secretIn(q, memberId, now)));
    const stepMs = MEMBER_CODE_STEP_SECONDS * 1000;
    return {
      secretHex,
      current: memberCode(String(memberId), secretBytes(secretHex), now.getTime()),
      expiresAt: new Date(Math.floor(now.getTime() / stepMs) * stepMs + stepMs),
    };
  }

  /** Checks a scanned code without using it up; returns the member and the TOTP step it matched. */
  async verify(code: string, storeId: number, now: Date): Promise<{ memberId: number; step: number }> {
    this.scansPerStore.hit(`scan:${storeId}`, now.getTime());
    const parsed = parseMemberCode(code);
    const fail = (memberId?: string) => {
      this.failuresPerStore.hit(`fail:${storeId}`, now.getTime());
      if (memberId) this.failuresPerMember.hit(`fail:${memberId}`, now.getTime());
      return new AppError('MEMBER_CODE_INVALID');
    };
    if (!parsed) throw fail();
    this.guard(storeId, parsed.memberId, now);
    const secretHex = await this.db.read((q) => store.activeSecretOf(q, Number(parsed.memberId)));
    if (!secretHex) throw fail(parsed.memberId);
    const v = verifyMemberCode(secretBytes(secretHex), parsed.otp, now.getTime(), { acceptPrevious: true });
    if (!v.ok) throw fail(parsed.memberId);
    return { memberId: Number(parsed.memberId), step: Number(v.step) };
  }

  /** Uses the code's step up inside the checkout transaction; a second use is a replay. */
  async useIn(
    q: Q,
    use: { memberId: number; step: number; storeId: number; staffId: number; orderNo: string },
    now: Date,
  ): Promise<void> {
    try {
      await store.insertCodeUse(q, use, now.getTime());
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('MEMBER_CODE_REPLAYED');
      throw err;
    }
  }

  /** Refuses scans while a store or a member is over its failure budget, before any secret is touched. */
  private guard(storeId: number, memberId: string, now: Date): void {
    this.failuresPerStore.peek(`fail:${storeId}`, now.getTime());
    this.failuresPerMember.peek(`fail:${memberId}`, now.getTime());
  }
}
