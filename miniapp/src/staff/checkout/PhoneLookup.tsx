import { useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import { askByPhone, lookupState, verifyLookupCode, type LookupCreated } from '../../api/phoneLookup';
import { usePollUntil } from '../../hooks/usePollUntil';
import { handleStaffError } from '../guard';

const PHONE = /^1[3-9][0-9]{9}$/;
/** How often the till asks whether the member confirmed (the request lives 2 minutes). */
const POLL_MS = 2000;

export interface ConfirmedMember {
  memberToken: string;
  who: string;
}

/**
 * A member without their code: the clerk types the phone number, the member
 * confirms in their app (or reads a 6-digit code to the clerk), and the till
 * gets a member token for this one checkout. Nothing shows who the number
 * belongs to until the member confirms.
 */
export default function PhoneLookup({
  self,
  onConfirmed,
}: {
  self: string;
  onConfirmed: (m: ConfirmedMember) => void;
}) {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [asked, setAsked] = useState<LookupCreated | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const confirmed = (s: {
    status: string;
    memberToken: string | null;
    maskedName: string | null;
    maskedPhone: string;
  }) => {
    if (s.status === 'confirmed' && s.memberToken) {
      onConfirmed({ memberToken: s.memberToken, who: `${s.maskedName ?? ''} ${s.maskedPhone}`.trim() });
      return true;
    }
    if (s.status !== 'pending') {
      setAsked(null);
      setNote('请求已过期，可重新发起');
      return true;
    }
    return false;
  };

  usePollUntil(asked?.confirm === 'member_confirm' ? asked.requestId : null, lookupState, confirmed, POLL_MS);

  const ask = async () => {
    setBusy(true);
    try {
      const r = await askByPhone(phone.trim());
      setAsked(r);
      setNote(
        r.confirm === 'member_confirm'
          ? `已向 ${r.maskedPhone} 发送确认，请会员在小程序「我的」中确认`
          : `请会员打开小程序，读出 6 位确认码（${r.maskedPhone}）`,
      );
    } catch (e) {
      handleStaffError(e, self);
    } finally {
      setBusy(false);
    }
  };

  const verify = async () => {
    if (!asked) return;
    setBusy(true);
    try {
      confirmed(await verifyLookupCode(asked.requestId, code));
    } catch (e) {
      handleStaffError(e, self);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="staff-checkout__phone" data-testid="phone-lookup">
      <Text className="muted">会员没带码？用手机号查找</Text>
      <Input
        className="input"
        type="number"
        placeholder="会员手机号"
        maxlength={11}
        value={phone}
        onInput={(e) => setPhone(e.detail.value)}
        data-testid="phone-lookup-phone"
      />
      <Button size="mini" disabled={busy || !PHONE.test(phone.trim())} onClick={() => void ask()}>
        发送确认
      </Button>
      {note && <Text className="muted">{note}</Text>}
      {asked?.confirm === 'member_code' && (
        <View>
          <Input
            className="input"
            type="number"
            placeholder="6 位确认码"
            maxlength={6}
            value={code}
            onInput={(e) => setCode(e.detail.value)}
            data-testid="phone-lookup-code"
          />
          <Button size="mini" disabled={busy || !/^[0-9]{6}$/.test(code)} onClick={() => void verify()}>
            确认
          </Button>
        </View>
      )}
    </View>
  );
}
