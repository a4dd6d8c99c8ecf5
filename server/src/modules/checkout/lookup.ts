import { businessDate, isMemberDay, maskName, maskPhone } from '@huiyuan/shared';
import type { endpoints, ResponseOf } from '@huiyuan/shared';
import { AppError } from '../../core/errors';
import type { Services } from '../services';
import { contactOf } from '../members/store';

type Lookup = ResponseOf<typeof endpoints.staffLookup>;

/**
 * What the counter sees after scanning a member code: masked name and phone,
 * tier, balance and whether today is a member day (the code is checked first).
 */
export async function lookupMember(
  c: Pick<Services, 'clock' | 'codes' | 'db' | 'tiers' | 'members' | 'points' | 'settings' | 'config'>,
  storeId: number,
  code: string,
): Promise<Lookup> {
  const now = c.clock.now();
  const { memberId } = await c.codes.verify(code, storeId, now);
  const row = await c.db.read((q) => contactOf(q, memberId));
  if (!row) throw new AppError('MEMBER_NOT_FOUND');
  const tier = await c.db.read((q) => c.tiers.tierOfIn(q, memberId));
  const phone = row.phone_enc ? c.members.decryptPhone(row.phone_enc) : null;
  return {
    memberId: String(memberId),
    maskedName: maskName(row.nickname),
    maskedPhone: phone ? maskPhone(phone) : null,
    tier,
    balance: (await c.points.summary(memberId, now)).balance,
    memberDay: isMemberDay(businessDate(now, c.config.businessTz), await c.settings.get('checkout.memberDays')),
  };
}
