import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { refund, type RefundResult } from '../../api/staff';
import { isApiError } from '../../api/errors';
import { formatCents, formatPoints, parseYuanToCents } from '../../utils/format';
import { ROUTES } from '../../utils/routes';
import { handleStaffError, useStaffGuard } from '../guard';
import ConfirmSheet from '../ConfirmSheet';
import { useTapGuard } from '../tapGuard';
import './index.scss';

const SELF = ROUTES.staffRefund;
const ORDER_NO = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Refund at the counter: order number + amount in yuan -> a confirm sheet -> the
 * server's answer: what was refunded, the points clawed back (some possibly still
 * pending), points paid with given back, and the member's balance (a debt when
 * negative). The answer stays until the clerk dismisses it.
 */
export default function StaffRefundPage() {
  useStaffGuard(SELF);
  const [orderNo, setOrderNo] = useState('');
  const [amount, setAmount] = useState('');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [result, setResult] = useState<RefundResult | null>(null);
  const guarded = useTapGuard(result !== null, result);

  const amountCents = parseYuanToCents(amount);
  const order = orderNo.trim();
  const valid = ORDER_NO.test(order) && amountCents !== null;

  const confirm = async () => {
    if (!valid || amountCents === null) return;
    setBusy(true);
    try {
      setResult(await refund({ orderNo: order, amountCents }));
      setAsking(false);
      setRefusal(null);
    } catch (e) {
      // An unknown outcome keeps the sheet open: confirming again resends with the same key.
      if (isApiError(e) && e.outcomeUnknown) {
        handleStaffError(e, SELF);
        return;
      }
      setAsking(false);
      if (isApiError(e) && e.code === 'REFUND_EXCEEDS_ORDER') {
        const left = (e.details as { refundableCents?: number } | undefined)?.refundableCents;
        setRefusal(left === undefined ? e.message : `${e.message}，最多还可退 ${formatCents(left)}`);
      } else if (isApiError(e) && e.status !== 401) setRefusal(e.message);
      handleStaffError(e, SELF);
    } finally {
      setBusy(false);
    }
  };

  const next = () => {
    setResult(null);
    setOrderNo('');
    setAmount('');
  };

  if (result) {
    return (
      <View className="page staff-refund">
        <View className="section" data-testid="refund-result">
          <View className="section-title">{result.replayed ? '该退款已处理（重复提交）' : '退款成功'}</View>
          <Text className="staff-refund__amount">{formatCents(result.amountCents)}</Text>
          <View className="staff-refund__line">
            <Text>订单</Text>
            <Text>{result.orderNo}</Text>
          </View>
          <View className="staff-refund__line">
            <Text>扣回积分</Text>
            <Text data-testid="refund-clawed">-{formatPoints(result.pointsReversed)}</Text>
          </View>
          {result.pendingCancelled > 0 && (
            <Text className="muted">其中 {formatPoints(result.pendingCancelled)} 积分尚未到账，直接取消</Text>
          )}
          {result.redeemedPointsReturned > 0 && (
            <View className="staff-refund__line">
              <Text>退回抵现积分</Text>
              <Text data-testid="refund-returned">+{formatPoints(result.redeemedPointsReturned)}</Text>
            </View>
          )}
          <View className="staff-refund__line">
            <Text>会员当前积分</Text>
            <Text>{formatPoints(result.balance)}</Text>
          </View>
          {result.balance < 0 && <Text className="staff-refund__debt">积分已被使用，差额记为欠分，后续积分先抵扣</Text>}
          <Text className="muted">订单累计退款 {formatCents(result.refundedCentsTotal)}</Text>
          <Button className="btn-primary staff-refund__next" onClick={guarded(next)} data-testid="refund-next">
            继续退款
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className="page staff-refund">
      <View className="section">
        <View className="section-title">按订单退款</View>
        <Input
          className="input"
          placeholder="订单号"
          value={orderNo}
          maxlength={64}
          onInput={(e) => setOrderNo(e.detail.value)}
          data-testid="refund-order"
        />
        <Input
          className="input staff-refund__input"
          type="digit"
          placeholder="退款金额（元）"
          value={amount}
          onInput={(e) => setAmount(e.detail.value)}
          data-testid="refund-amount"
        />
        {refusal && (
          <Text className="staff-refund__refusal" data-testid="refund-refusal">
            {refusal}
          </Text>
        )}
        <Button
          className="btn-primary staff-refund__submit"
          disabled={!valid || busy || undefined}
          onClick={() => {
            if (!valid || busy) return;
            setRefusal(null);
            setAsking(true);
          }}
          data-testid="refund-submit"
        >
          {amountCents !== null ? `退款 ${formatCents(amountCents)}` : '退款'}
        </Button>
        <Text className="muted staff-refund__link" onClick={() => void Taro.redirectTo({ url: ROUTES.staffCheckout })}>
          ‹ 返回收银
        </Text>
      </View>
      <ConfirmSheet
        open={asking}
        title="确认退款"
        confirmText="确认退款"
        busy={busy}
        onConfirm={() => void confirm()}
        onClose={() => setAsking(false)}
        testId="refund-sheet"
      >
        <Text className="staff-refund__summary">
          订单 {order} 退款 {amountCents !== null ? formatCents(amountCents) : ''}
        </Text>
        <Text className="muted">该单所得积分将按退款比例扣回；用积分抵扣的部分按比例退回积分。</Text>
      </ConfirmSheet>
    </View>
  );
}
