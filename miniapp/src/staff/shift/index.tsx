import { useCallback, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { shiftSummary, type ShiftSummary } from '../../api/staff';
import { formatCents, formatDateTime, formatPoints } from '../../utils/format';
import { ROUTES } from '../../utils/routes';
import { handleStaffError, useStaffGuard } from '../guard';
import './index.scss';

const SELF = ROUTES.staffShift;

const Row = ({ label, value, testId }: { label: string; value: string; testId?: string }) => (
  <View className="staff-shift__row">
    <Text>{label}</Text>
    <Text data-testid={testId}>{value}</Text>
  </View>
);

/** The store's figures for today (business time): credits, refunds with claw-back, write-offs, net totals. */
export default function StaffShiftPage() {
  useStaffGuard(SELF);
  const [data, setData] = useState<ShiftSummary | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    try {
      setData(await shiftSummary());
    } catch (e) {
      handleStaffError(e, SELF);
    } finally {
      setBusy(false);
      void Taro.stopPullDownRefresh();
    }
  }, []);

  useDidShow(() => void load());
  usePullDownRefresh(() => void load());

  return (
    <View className="page staff-shift">
      {data ? (
        <View data-testid="shift-summary">
          <Text className="muted">
            {formatDateTime(data.from)} 至 {formatDateTime(data.to)}
          </Text>
          <View className="section">
            <View className="section-title">积分收银</View>
            <Row label="笔数" value={String(data.credits.count)} testId="shift-credits-count" />
            <Row label="金额" value={formatCents(data.credits.amountCents)} />
            <Row label="发放积分" value={formatPoints(data.credits.points)} testId="shift-credits-points" />
          </View>
          <View className="section">
            <View className="section-title">退款</View>
            <Row label="笔数" value={String(data.refunds.count)} testId="shift-refunds-count" />
            <Row label="金额" value={formatCents(data.refunds.amountCents)} />
            <Row label="扣回积分" value={formatPoints(data.refunds.pointsClawedBack)} />
          </View>
          <View className="section">
            <View className="section-title">核销券</View>
            <Row label="张数" value={String(data.writeOffs.count)} testId="shift-writeoffs" />
          </View>
          <View className="section">
            <View className="section-title">合计</View>
            <Row label="净金额" value={formatCents(data.totals.netAmountCents)} testId="shift-net-amount" />
            <Row label="净积分" value={formatPoints(data.totals.netPoints)} />
          </View>
        </View>
      ) : (
        <Text className="muted">{busy ? '加载中…' : '暂无数据'}</Text>
      )}
      <Button className="staff-shift__refresh" loading={busy || undefined} onClick={() => void load()}>
        刷新
      </Button>
      <Text className="muted staff-shift__link" onClick={() => void Taro.redirectTo({ url: ROUTES.staffCheckout })}>
        ‹ 返回收银
      </Text>
    </View>
  );
}
