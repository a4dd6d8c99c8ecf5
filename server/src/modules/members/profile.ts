import {
  maskPhone,
  normalizePhone,
  type Consent,
  type MeResponse,
  type PatchMeRequest,
  type PhoneBound,
} from '@huiyuan/shared';
import type { z } from 'zod';
import type { Database, Q } from '../../db/database';
import { AppError } from '../../core/errors';
import type { Clock } from '../../core/clock';
import type { Settings } from '../settings/settings';
import type { WechatWxa } from '../wechat/wxa';
import type { PhoneCrypto } from './phone-crypto';
import { audit } from '../audit/audit';
import * as store from './store';

/** What the operator decides about profiles: the current policy version and whether typing a phone is allowed. */
interface Rules {
  policyVersion: string;
  phoneTyping: boolean;
}

const iso = (ms: number | null) => new Date(Number(ms)).toISOString();

/**
 * The member's own profile under the privacy rules: personal fields (nickname,
 * birthday, phone) are written only after the member accepted the current
 * policy version, recorded first in the same unit of work when it comes with
 * them; a phone comes verified from WeChat's getPhoneNumber, or typed and
 * unverified when the operator allows typing. A refused request writes nothing.
 */
export class ProfileService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly phones: PhoneCrypto,
    private readonly wxa: Pick<WechatWxa, 'phoneNumber'>,
  ) {}

  async get(memberId: number): Promise<MeResponse> {
    const rules = await this.rules();
    return this.db.read(async (q) => this.view(await this.row(q, memberId), rules));
  }

  async patch(memberId: number, patch: PatchMeRequest, requestId?: string): Promise<MeResponse> {
    const rules = await this.rules();
    const accepting = patch.privacyConsentVersion;
    if (accepting !== undefined && accepting !== rules.policyVersion) throw new AppError('POLICY_OUTDATED');
    if (patch.phone !== undefined && !rules.phoneTyping) throw new AppError('PHONE_TYPING_DISABLED');
    const personal = patch.nickname !== undefined || patch.birthday !== undefined || patch.phone !== undefined;
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const before = await this.row(q, memberId);
      if (personal && before.consent_version !== rules.policyVersion && accepting === undefined)
        throw new AppError('CONSENT_REQUIRED');
      // The consent first: it is dated no later than the fields it allows.
      if (accepting !== undefined) await store.setConsent(q, memberId, accepting, now);
      if (patch.nickname !== undefined) await store.setNickname(q, memberId, patch.nickname, now);
      if (patch.birthday !== undefined) {
        // Conditional update: of two concurrent first settings exactly one wins.
        const set = await store.setBirthdayOnce(q, memberId, patch.birthday, now);
        if (set !== 1 && before.birthday !== patch.birthday) throw new AppError('BIRTHDAY_ALREADY_SET');
      }
      if (patch.phone !== undefined) {
        const enc = this.phones.encrypt(patch.phone);
        await store.setPhone(q, memberId, enc, this.phones.lookupHash(patch.phone), now, false);
      }
      const after = await this.row(q, memberId);
      await this.audit(q, memberId, 'member.profile.update', before, after, now, requestId);
      return this.view(after, rules);
    });
  }

  /** Accepts the current policy version; accepting it again keeps the first time. */
  async consent(memberId: number, version: string, requestId?: string): Promise<z.infer<typeof Consent>> {
    const rules = await this.rules();
    if (version !== rules.policyVersion) throw new AppError('POLICY_OUTDATED');
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const before = await this.row(q, memberId);
      if ((await store.setConsent(q, memberId, version, now)) === 1)
        await this.audit(q, memberId, 'member.consent', before, await this.row(q, memberId), now, requestId);
      const after = await this.row(q, memberId);
      return { version: after.consent_version!, acceptedAt: iso(after.consent_at) };
    });
  }

  /**
   * Binds the number WeChat gives for a getPhoneNumber code: asked only once the
   * consent is current, stored encrypted and verified. WeChat refusing the code
   * (invalid, expired, used) is PHONE_CODE_INVALID; nothing is stored on any error.
   */
  async bindPhone(memberId: number, code: string, requestId?: string): Promise<PhoneBound> {
    const rules = await this.rules();
    const { row, openid } = await this.db.read(async (q) => ({
      row: await this.row(q, memberId),
      openid: (await store.openidOf(q, memberId))!.openid,
    }));
    if (row.consent_version !== rules.policyVersion) throw new AppError('CONSENT_REQUIRED');
    const phone = await this.wxa.phoneNumber(code, openid);
    let digits: string;
    try {
      if (phone.countryCode && phone.countryCode !== '86') throw new RangeError('not mainland');
      digits = normalizePhone(phone.purePhoneNumber);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'Only mainland China mobile numbers can be bound');
    }
    return this.db.tx(async (q) => {
      const now = this.clock.now().getTime();
      const before = await this.row(q, memberId);
      if (before.consent_version !== rules.policyVersion) throw new AppError('CONSENT_REQUIRED');
      await store.setPhone(q, memberId, this.phones.encrypt(digits), this.phones.lookupHash(digits), now, true);
      await this.audit(q, memberId, 'member.phone.bind', before, await this.row(q, memberId), now, requestId);
      return { phoneMasked: maskPhone(digits), phoneVerified: true as const };
    });
  }

  private async rules(): Promise<Rules> {
    const [policy, phoneTyping] = await Promise.all([
      this.settings.get('privacy'),
      this.settings.get('members.phoneTyping'),
    ]);
    return { policyVersion: policy.version, phoneTyping };
  }

  private async row(q: Q, memberId: number): Promise<store.ProfileRow> {
    const row = await store.activeProfile(q, memberId);
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
    return row;
  }

  /** Field names only for the phone: the audit log is not a place for personal data. */
  private audit(
    q: Q,
    memberId: number,
    action: string,
    before: store.ProfileRow,
    after: store.ProfileRow,
    now: number,
    requestId?: string,
  ) {
    const shown = (r: store.ProfileRow) => ({
      nickname: r.nickname,
      birthday: r.birthday,
      phoneSet: r.phone_enc !== null,
      phoneVerified: Number(r.phone_verified) === 1,
      consent: r.consent_version,
    });
    return audit(
      q,
      {
        actorType: 'member',
        actorId: memberId,
        action,
        targetType: 'member',
        targetId: memberId,
        before: shown(before),
        after: shown(after),
        requestId,
      },
      new Date(now),
    );
  }

  private view(r: store.ProfileRow, rules: Rules): MeResponse {
    return {
      id: String(r.id),
      nickname: r.nickname,
      birthday: r.birthday,
      phoneMasked: r.phone_enc ? maskPhone(this.phones.decrypt(r.phone_enc)) : null,
      phoneVerified: r.phone_enc !== null && Number(r.phone_verified) === 1,
      phoneTypingAllowed: rules.phoneTyping,
      privacyConsent:
        r.consent_version && r.consent_at !== null
          ? { version: r.consent_version, acceptedAt: iso(r.consent_at) }
          : null,
      consentRequired: r.consent_version !== rules.policyVersion,
      registeredAt: iso(r.created_at),
    };
  }
}
