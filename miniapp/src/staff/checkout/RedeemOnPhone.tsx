import { useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { askRedeemConfirmation, redeemConfirmationState, type RedeemAsked } from '../../api/phoneLookup';
import { usePollUntil } from '../../hooks/usePollUntil';
import { formatCents, formatPoints } from '../../utils/format';
import { handleStaffError } from '../guard';

/** How often the till asks whether the member confirmed (the request lives 2 minutes). */
const POLL_MS = 2000;

export interface RedeemOnPhoneProps {
  code: string;
  orderNo: string;
  amountCents: number;
  points: number;
  self: string;
  disabled?: boolean;
  /** The token that pays this order with these points once the member confirmed; null while not (or no longer). */
  onToken: (token: string | null) => void;
}

/**
 * Points as cash when the operator wants the member to confirm on the phone:
 * the clerk sends the order, amount and points to the member's app and waits;
 * the member's confirmation gives a token the checkout sends in place of the
 * code. Changing the order, the amount or the points asks again.
 */
export default function RedeemOnPhone({
  code,
  orderNo,
  amountCents,
  points,
  self,
  disabled,
  onToken,
}: RedeemOnPhoneProps) {
  const [asked, setAsked] = useState<RedeemAsked | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  // Another order, amount or number of points: the member's yes was for something else.
  useEffect(() => {
    setAsked(null);
    setToken(null);
    setNote('');
  }, [code, orderNo, amountCents, points]);
  useEffect(() => onToken(token), [token]); // eslint-disable-line react-hooks/exhaustive-deps

  usePollUntil(
    asked && !token ? asked.requestId : null,
    redeemConfirmationState,
    (s) => {
      if (s.status === 'confirmed' && s.memberToken) setToken(s.memberToken);
      else if (s.status !== 'pending') {
        setAsked(null);
        setNote('会员未确认，请求已过期，可重新发起');
      } else return false;
      return true;
    },
    POLL_MS,
  );

  const ask = async () => {
    setBusy(true);
    setNote('');
    try {
      setAsked(await askRedeemConfirmation({ memberCode: code, orderNo, amountCents, redeemPoints: points }));
    } catch (e) {
      handleStaffError(e, self);
    } finally {
      setBusy(false);
    }
  };

  if (token)
    return (
      <Text className="muted" data-testid="redeem-phone-confirmed">
        会员已在手机上确认使用 {formatPoints(points)} 积分
      </Text>
    );
  if (asked)
    return (
      <Text className="muted" data-testid="redeem-phone-waiting">
        已发送到会员手机：使用 {formatPoints(asked.points)} 积分抵 {formatCents(asked.discountCents)}，等待会员确认…
      </Text>
    );
  return (
    <View>
      {note ? <Text className="muted">{note}</Text> : null}
      <Button
        size="mini"
        disabled={disabled || busy || !orderNo || undefined}
        loading={busy || undefined}
        onClick={() => void ask()}
        data-testid="redeem-phone-ask"
      >
        {orderNo ? '请会员在手机上确认使用积分' : '先输入订单号'}
      </Button>
    </View>
  );
}
