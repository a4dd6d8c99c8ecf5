import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { checkout, lookupMember, type CheckoutResult, type MemberPreview } from '../../api/staff';
import { isApiError } from '../../api/errors';
import ScanInput from '../../components/ScanInput';
import { formatCents, formatPoints, parseYuanToCents } from '../../utils/format';
import { ROUTES } from '../../utils/routes';
import { handleStaffError, useStaffGuard } from '../guard';
import PointsCash, { type Redeem } from './PointsCash';
import PhoneLookup from './PhoneLookup';
import { useTapGuard } from '../tapGuard';
import './index.scss';

const SELF = ROUTES.staffCheckout;
const MEMBER_CODE = /^[0-9]{8,32}$/;
const ORDER_NO = /^[A-Za-z0-9_-]{1,64}$/;
const LINE_LABELS: Record<string, string> = { base: '消费积分', tier: '等级加赠', member_day: '会员日加赠' };

type Step =
  | { name: 'scan' }
  | { name: 'confirm'; code: string; member: MemberPreview }
  // A member found by phone who confirmed on their phone: a single-use token instead of the code.
  | { name: 'token'; token: string; who: string }
  | { name: 'done'; result: CheckoutResult };

/**
 * Counter flow: scan the member code -> see who it is -> amount + order number
 * (+ points as cash, previewed by the server's quote) -> credit. The order number makes the credit idempotent at the server
 * (per store), and names the client operation, so a retry after a lost answer
 * shows the first result ("replayed") instead of crediting twice.
 */
export default function StaffCheckoutPage() {
  useStaffGuard(SELF);
  const [step, setStep] = useState<Step>({ name: 'scan' });
  const [amount, setAmount] = useState('');
  const [orderNo, setOrderNo] = useState('');
  const [busy, setBusy] = useState(false);
  const [redeem, setRedeem] = useState<Redeem | null>(null);
  // The result stays until dismissed: a double tap on 确认积分 must not also start the next order.
  const guarded = useTapGuard(step.name === 'done', step.name === 'done' ? step.result : null);

  const reset = () => {
    setStep({ name: 'scan' });
    setAmount('');
    setOrderNo('');
    setRedeem(null);
  };

  const onCode = async (code: string) => {
    if (!MEMBER_CODE.test(code)) {
      void Taro.showToast({ title: '这不是会员码', icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      setStep({ name: 'confirm', code, member: await lookupMember(code) });
    } catch (e) {
      handleStaffError(e, SELF);
    } finally {
      setBusy(false);
    }
  };

  const amountCents = parseYuanToCents(amount);
  const canSubmit =
    (step.name === 'confirm' || step.name === 'token') &&
    amountCents !== null &&
    ORDER_NO.test(orderNo.trim()) &&
    !redeem?.waiting &&
    !busy;
  const body = () =>
    redeem ? { redeemPoints: redeem.points, ...(redeem.redeemCode ? { redeemCode: redeem.redeemCode } : {}) } : {};
  // Points the member confirmed on the phone: that confirmation's token names the member instead of the code.

  const submit = async () => {
    if ((step.name !== 'confirm' && step.name !== 'token') || amountCents === null) return;
    const who =
      step.name === 'token'
        ? { memberToken: step.token }
        : redeem?.memberToken
          ? { memberToken: redeem.memberToken }
          : { memberCode: step.code };
    setBusy(true);
    try {
      const result = await checkout({ ...who, orderNo: orderNo.trim(), amountCents, ...body() });
      setStep({ name: 'done', result });
    } catch (e) {
      handleStaffError(e, SELF);
      // The code rotated or was used: the member has to show a fresh one.
      if (
        isApiError(e) &&
        (e.code === 'MEMBER_CODE_INVALID' || e.code === 'MEMBER_CODE_REPLAYED' || e.code === 'MEMBER_TOKEN_INVALID')
      )
        setStep({ name: 'scan' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page staff-checkout">
      {step.name === 'scan' && (
        <View className="section">
          <View className="section-title">扫描会员码</View>
          <ScanInput
            placeholder="或输入会员码数字"
            onCode={(c) => void onCode(c)}
            disabled={busy}
            allowed={MEMBER_CODE}
          />
          <PhoneLookup self={SELF} onConfirmed={(m) => setStep({ name: 'token', token: m.memberToken, who: m.who })} />
          <View className="staff-checkout__links">
            <Text className="muted" onClick={() => void Taro.redirectTo({ url: ROUTES.staffVoucher })}>
              核销券 ›
            </Text>
            <Text className="muted" onClick={() => void Taro.redirectTo({ url: ROUTES.staffRefund })}>
              退款 ›
            </Text>
            <Text className="muted" onClick={() => void Taro.redirectTo({ url: ROUTES.staffShift })}>
              交班汇总 ›
            </Text>
          </View>
        </View>
      )}

      {(step.name === 'confirm' || step.name === 'token') && (
        <View className="section" data-testid="checkout-confirm">
          {step.name === 'token' ? (
            <View className="section-title">{step.who} · 已在手机上确认</View>
          ) : (
            <View>
              <View className="section-title">
                {step.member.maskedName} · {step.member.tier.name}
              </View>
              <Text className="muted">
                {step.member.maskedPhone ?? ''} 积分 {formatPoints(step.member.balance)}
                {step.member.memberDay ? ' · 今日会员日' : ''}
              </Text>
            </View>
          )}
          <Input
            className="input staff-checkout__input"
            type="digit"
            placeholder="消费金额（元）"
            value={amount}
            onInput={(e) => setAmount(e.detail.value)}
            data-testid="checkout-amount"
          />
          <Input
            className="input"
            placeholder="订单号"
            value={orderNo}
            maxlength={64}
            onInput={(e) => setOrderNo(e.detail.value)}
            data-testid="checkout-order"
          />
          {step.name === 'confirm' && (
            <PointsCash
              code={step.code}
              orderNo={ORDER_NO.test(orderNo.trim()) ? orderNo.trim() : ''}
              amountCents={amountCents}
              self={SELF}
              disabled={busy}
              onChange={setRedeem}
            />
          )}
          <Button
            className="btn-primary"
            disabled={!canSubmit}
            loading={busy}
            onClick={() => void submit()}
            data-testid="checkout-submit"
          >
            {amountCents !== null ? `确认积分（${formatCents(amountCents)}）` : '确认积分'}
          </Button>
          <Text className="muted staff-checkout__link" onClick={reset}>
            换一位会员
          </Text>
        </View>
      )}

      {step.name === 'done' && (
        <View className="section" data-testid="checkout-result">
          <View className="section-title">{step.result.replayed ? '该订单已积分（重复提交）' : '积分成功'}</View>
          <Text className="staff-checkout__points">+{formatPoints(step.result.points)} 积分</Text>
          {step.result.lines.map((l) => (
            <View key={l.code} className="staff-checkout__line">
              <Text>{LINE_LABELS[l.code] ?? l.code}</Text>
              <Text>+{formatPoints(l.points)}</Text>
            </View>
          ))}
          <Text className="muted">
            {step.result.maskedName} · 订单 {step.result.orderNo} · {formatCents(step.result.amountCents)} · 当前积分{' '}
            {formatPoints(step.result.balance)}
          </Text>
          {step.result.redeemedPoints > 0 && (
            <Text className="muted" data-testid="checkout-redeemed">
              积分抵扣 {formatPoints(step.result.redeemedPoints)}（{formatCents(step.result.discountCents)}）· 现金{' '}
              {formatCents(step.result.cashCents)}
            </Text>
          )}
          {step.result.pendingPoints > 0 && step.result.pendingUntil && (
            <Text className="muted">
              {formatPoints(step.result.pendingPoints)} 积分将于 {step.result.pendingUntil.slice(0, 10)} 后到账
            </Text>
          )}
          {step.result.tierChanged && (
            <Text className="staff-checkout__tier">会员已升级为 {step.result.tier.name}</Text>
          )}
          <Button className="btn-primary staff-checkout__next" onClick={guarded(reset)} data-testid="checkout-next">
            下一单
          </Button>
        </View>
      )}
    </View>
  );
}
