import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Switch, Text, View } from '@tarojs/components';
import { splitPayment } from '@huiyuan/shared/src/domain/points-cash';
import { quoteCheckout, type CheckoutQuote } from '../../api/staff';
import ScanInput from '../../components/ScanInput';
import { formatCents, formatPoints } from '../../utils/format';
import { handleStaffError } from '../guard';
import RedeemOnPhone from './RedeemOnPhone';

export interface Redeem {
  points: number;
  /** The second, fresh member code, when the operator asks for one. */
  redeemCode?: string;
  /** Confirmed on the member's phone: the token the checkout sends in place of the code. */
  memberToken?: string;
  /** Waiting for the member's confirmation on the phone: no checkout yet. */
  waiting?: boolean;
}

export interface PointsCashProps {
  code: string;
  orderNo: string;
  amountCents: number | null;
  self: string;
  disabled?: boolean;
  /** What the checkout should ask for: null = no points. */
  onChange: (redeem: Redeem | null) => void;
}

const MEMBER_CODE = /^[0-9]{8,32}$/;

/**
 * Points as cash at the counter: a switch, the member's balance and the most
 * this order may use (the server's quote), the points to use (at most that),
 * the split into points discount and cash, and the second scan or the
 * member's confirmation on the phone when the operator asks for one. The server decides again at checkout; this is a preview.
 */
export default function PointsCash({ code, orderNo, amountCents, self, disabled, onChange }: PointsCashProps) {
  const [on, setOn] = useState(false);
  const [quote, setQuote] = useState<CheckoutQuote | null>(null);
  const [pointsText, setPointsText] = useState('');
  const [secondCode, setSecondCode] = useState<string | null>(null);
  const [phoneToken, setPhoneToken] = useState<string | null>(null);

  // The quote follows the amount (after typing settles); it reads only, the code is not used up.
  useEffect(() => {
    if (!on || amountCents === null) {
      setQuote(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      quoteCheckout(code, amountCents).then(
        (q) => {
          if (!live) return;
          setQuote(q);
          setPointsText(String(q.maxPoints));
        },
        (e) => live && handleStaffError(e, self),
      );
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [on, amountCents, code, self]);

  const asked = Math.min(Number(pointsText) || 0, quote?.maxPoints ?? 0);
  const split = quote && amountCents !== null ? splitPayment(amountCents, asked, quote.rules.pointsPerYuan) : null;
  const needsSecond = quote?.rules.confirm === 'second_scan' && !!split?.points;
  const onPhone = quote?.rules.confirm === 'phone' && !!split?.points;

  useEffect(() => {
    if (!on || !split || split.points === 0) onChange(null);
    else if (onPhone) onChange({ points: split.points, memberToken: phoneToken ?? undefined, waiting: !phoneToken });
    else onChange({ points: split.points, redeemCode: secondCode ?? undefined });
  }, [on, split?.points, secondCode, onPhone, phoneToken]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <View className="staff-checkout__cash" data-testid="points-cash">
      <View className="staff-checkout__line">
        <Text>积分抵现</Text>
        <Switch
          checked={on}
          disabled={disabled}
          onChange={(e) => setOn(e.detail.value)}
          data-testid="points-cash-toggle"
        />
      </View>
      {on && amountCents === null && <Text className="muted">先输入消费金额</Text>}
      {on && quote && split && (
        <View>
          <Text className="muted">
            可用积分 {formatPoints(quote.balance)}
            {quote.pendingPoints > 0 ? `（另有 ${formatPoints(quote.pendingPoints)} 待到账）` : ''} · 本单最多可用{' '}
            {formatPoints(quote.maxPoints)}
          </Text>
          <Input
            className="input staff-checkout__input"
            type="number"
            placeholder={`使用积分（最多 ${quote.maxPoints}）`}
            value={pointsText}
            disabled={disabled || quote.maxPoints === 0}
            onInput={(e) => setPointsText(e.detail.value.replace(/[^0-9]/g, ''))}
            data-testid="points-cash-points"
          />
          <View className="staff-checkout__line" data-testid="points-cash-split">
            <Text>
              积分 {formatPoints(split.points)} 抵 {formatCents(split.discountCents)}
            </Text>
            <Text>现金 {formatCents(split.cashCents)}</Text>
          </View>
          {split.points === quote.split.points && (
            <Text className="muted">现金部分可得 {formatPoints(quote.earnPoints)} 积分</Text>
          )}
          {onPhone && amountCents !== null && (
            <RedeemOnPhone
              code={code}
              orderNo={orderNo}
              amountCents={amountCents}
              points={split.points}
              self={self}
              disabled={disabled}
              onToken={setPhoneToken}
            />
          )}
          {needsSecond &&
            (secondCode ? (
              <Text className="muted">已确认使用积分（第二次扫码）</Text>
            ) : (
              <View>
                <Text className="muted">请会员刷新会员码后再扫一次，确认使用积分</Text>
                <ScanInput
                  placeholder="或输入新的会员码"
                  onCode={(c) =>
                    c === code ? void Taro.showToast({ title: '需要一个新的会员码', icon: 'none' }) : setSecondCode(c)
                  }
                  disabled={disabled}
                  allowed={MEMBER_CODE}
                />
              </View>
            ))}
        </View>
      )}
    </View>
  );
}
