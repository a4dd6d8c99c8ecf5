import type { Database, Q } from '../../db/database';
import { openAccount } from '../points/store';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { WechatClient } from '../wechat/client';
import type { PhoneCrypto } from './phone-crypto';
import * as store from './store';
import { recordActivityIn } from './activity';

export interface LoginOutcome {
  memberId: number;
  tokenVersion: number;
  isNew: boolean;
}

/** Work other capabilities do in the registration transaction (tier row, code secret, referral binding). */
export type RegistrationHook = (q: Q, memberId: number, now: Date, ref: string | undefined) => Promise<void>;

/** Registration and login (the member's own profile is `ProfileService`, profile.ts). */
export class MemberService {
  private readonly hooks: RegistrationHook[] = [];
  constructor(
    private readonly db: Database,
    private readonly wechat: WechatClient,
    private readonly phones: PhoneCrypto,
    private readonly clock: Clock,
    /** Business timezone: the date of a login for the member's last activity. */
    private readonly tz = 'Asia/Shanghai',
  ) {}

  /** Plain phone for a masked display to staff; never returned whole. */
  decryptPhone(stored: string): string {
    return this.phones.decrypt(stored);
  }

  /** HMAC of a phone number, for operators' search; throws on a malformed number. */
  phoneLookupHash(phone: string): string {
    return this.phones.lookupHash(phone);
  }

  onRegistered(hook: RegistrationHook): void {
    this.hooks.push(hook);
  }

  /**
   * Exchanges a wx.login code; the first login registers the member and opens a points account.
   * `guard` sees the openid before anything is written (the per-identity login limit).
   */
  async login(code: string, ref?: string, guard?: (openid: string) => Promise<void>): Promise<LoginOutcome> {
    const session = await this.wechat.code2Session(code);
    await guard?.(session.openid);
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      // Unique openid + INSERT IGNORE: two first logins at once create one member.
      const created = await store.insertMemberIgnore(q, session.openid, session.unionid, now);
      const row = await store.memberByOpenid(q, session.openid);
      if (!row || row.status !== 'active') throw new AppError('FORBIDDEN', 'This account is closed');
      const memberId = Number(row.id);
      if (created === 1) {
        await openAccount(q, memberId, now);
        for (const hook of this.hooks) await hook(q, memberId, new Date(now), ref);
      } else if (session.unionid && row.unionid !== session.unionid) {
        await store.setUnionid(q, memberId, session.unionid, now);
      }
      // A login is activity (churn): written at most once a business day.
      await recordActivityIn(q, memberId, now, this.tz);
      return { memberId, tokenVersion: Number(row.token_version), isNew: created === 1 };
    });
  }

  async tokenVersion(memberId: number): Promise<number> {
    const version = await this.db.read((q) => store.tokenVersionOf(q, memberId));
    if (version === undefined) throw new AppError('MEMBER_NOT_FOUND');
    return version;
  }
}
