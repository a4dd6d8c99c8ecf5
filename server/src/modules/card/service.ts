import { randomBytes } from 'node:crypto';
import { MEMBER_CODE_STEP_SECONDS, memberCode, parseMemberCode, verifyMemberCode } from '@huiyuan/shared';
import { allOf, isDuplicateKey, type Database, type Q } from '../../db/database';
import { AppError } from '../../core/errors';
import { limits, type Counter, type Limits } from '../limits/service';
import * as store from './store';

const secretBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** A scan's reads (see `MemberCodes.readScan`), judged by `verify`. */
export interface ScanRead {
  parsed: ReturnType<typeof parseMemberCode>;
  hits: Counter[];
  watch: Counter[];
  seen: number[];
  secretHex: string | undefined;
  /** The failure counters a bad code counts (the store's, and the member's when the code names one). */
  failures: Counter[];
}

/**
 * A code that failed judging (`MemberCodes.judge`): the failure counters it counts,
 * once the unit of work it was judged in is over (a rollback would undo the count).
 */
export class CodeRefused extends Error {
  constructor(
    readonly failures: Counter[],
    readonly at: number,
  ) {
    super('member code refused');
  }
}

/**
 * The rotating member code (TOTP, RFC 6238, 30 s steps, secret per member). The
 * server accepts the current and the previous step only, and each step once:
 * `member_code_uses` has a unique (member, step) key, so a screenshot of a code
 * that was already scanned is refused. Failed codes are throttled per store and
 * per (store, targeted member), which stops guessing long before 10^6 tries, and
 * wrong codes typed at another store never lock the member out at this one. The
 * counters are shared by every instance (modules/limits).
 */
export class MemberCodes {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly scansPerStorePerMinute = 600,
  ) {}

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

  /**
   * Checks a scanned code without using it up; returns the member and the TOTP step it matched.
   * `scanCountedBy: 'caller'`: the scan budget is only read here and the caller counts the
   * scan with `countScanIn` at the end of its transaction; otherwise (a lookup) the scan is
   * counted here, in the same round trip as the read. A refused code's failures are counted.
   */
  async verify(
    code: string,
    storeId: number,
    now: Date,
    scanCountedBy: 'verify' | 'caller' = 'verify',
  ): Promise<{ memberId: number; step: number }> {
    const read = await this.readScan(code, storeId, now, scanCountedBy);
    try {
      return this.judge(read, now);
    } catch (err) {
      if (err instanceof CodeRefused) throw await this.refused(err);
      throw err;
    }
  }

  /**
   * Judges a scan from its reads (`readScan`), writing nothing, so a caller may judge
   * inside a transaction: a bad code throws `CodeRefused`, and the caller, once its unit
   * of work has rolled back, counts the failures with `refused`; over the scan budget
   * throws the limit's error.
   */
  judge(read: ScanRead, now: Date): { memberId: number; step: number } {
    const { parsed, hits, watch, seen, secretHex, failures } = read;
    // Hot path (every scan at the till): the budget is judged before the secret is used.
    this.limits.judge(hits, watch, seen, now.getTime());
    if (!parsed || !secretHex) throw new CodeRefused(failures, now.getTime());
    const v = verifyMemberCode(secretBytes(secretHex), parsed.otp, now.getTime(), { acceptPrevious: true });
    if (!v.ok) throw new CodeRefused(failures, now.getTime());
    return { memberId: Number(parsed.memberId), step: Number(v.step) };
  }

  /** Counts a refused code against its failure counters (in their own write) and gives the client's error. */
  async refused(err: CodeRefused): Promise<AppError> {
    await this.limits.count(err.failures, err.at);
    return new AppError('MEMBER_CODE_INVALID');
  }

  /**
   * What judging a scan needs, read together (one round trip on MySQL) and judging
   * nothing: the store's scan budget and failure counters (the scan counted here
   * unless the caller counts it) and the member's secret when the code names a member.
   */
  async readScan(code: string, storeId: number, now: Date, scanCountedBy: 'verify' | 'caller'): Promise<ScanRead> {
    const parsed = parseMemberCode(code);
    const scans = limits.codeScansPerStore(this.scansPerStorePerMinute, storeId);
    const perStore = limits.codeFailuresPerStore(storeId);
    const perMember = parsed && limits.codeFailuresPerStoreMember(storeId, parsed.memberId);
    const failures = perMember ? [perStore, perMember] : [perStore];
    const hits = scanCountedBy === 'verify' ? [scans] : [];
    const watch = scanCountedBy === 'verify' ? failures : [scans, ...failures];
    const [seen, secretHex] = await this.db.read((q) =>
      allOf([
        this.limits.seen(hits, watch, now.getTime()),
        parsed ? store.activeSecretOf(q, Number(parsed.memberId)) : undefined,
      ]),
    );
    return { parsed, hits, watch, seen, secretHex, failures };
  }

  /**
   * Counts a checkout's scan against the store's budget as its transaction's last
   * write, so it rides in the COMMIT round trip and the store's hot counter row is
   * locked only for that instant, never across the checkout.
   */
  async countScanIn(q: Q, storeId: number, now: Date): Promise<void> {
    await this.limits.countIn(q, [limits.codeScansPerStore(this.scansPerStorePerMinute, storeId)], now.getTime());
  }

  /**
   * The same without an error of its own: false when the step was used before. A
   * caller can send it together with another insert whose duplicate key it answers
   * (statements sent together fail together, so only one of them may fail on a key).
   */
  async tryUseIn(
    q: Q,
    use: { memberId: number; step: number; storeId: number; staffId: number; orderNo: string },
    now: Date,
  ): Promise<boolean> {
    return (await store.insertCodeUseIgnore(q, use, now.getTime())) === 1;
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
}
