import { useState } from 'react';
import Taro, { usePullDownRefresh, useReachBottom, useShareTimeline } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { getBenefits, redeemBenefit, type Benefit } from '../../api/benefits';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import { useReferralShare } from '../../hooks/useReferralShare';
import { useSubscriptions } from '../../hooks/useSubscribe';
import { shareQuery } from '../../api/referrals';
import StateView from '../../components/StateView';
import ListFooter from '../../components/ListFooter';
import { confirm, toastError } from '../../utils/feedback';
import { formatPoints } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import './index.scss';

/** Why a benefit cannot be redeemed right now, in words; null when it can. */
export function blockedReason(b: Benefit): string | null {
  if (b.stockLeft <= 0) return '已兑完';
  // myRemaining is null when the benefit has no per-member limit.
  if (b.perMemberLimit > 0 && b.myRemaining !== null && b.myRemaining <= 0) return '已达兑换上限';
  if (b.locked) return b.minTier ? `${b.minTier.name}及以上可兑` : '暂不可兑换';
  return null;
}

/**
 * The points mall. Redeeming spends points, so it asks first and sends one
 * request per tap at most; the api module reuses the Idempotency-Key of an
 * unsettled attempt, so a retry after a lost answer cannot spend twice.
 */
export default function BenefitsPage() {
  const list = useInfiniteList(getBenefits, []);
  const [busy, setBusy] = useState<string | null>(null);

  useReachBottom(() => void list.loadMore());
  const subs = useSubscriptions();
  const refCode = useReferralShare('积分好礼等你兑换', ROUTES.benefits);
  useShareTimeline(() => ({ title: '会员积分商城，好礼等你兑换', query: shareQuery(refCode) }));
  usePullDownRefresh(async () => {
    await list.refresh();
    void Taro.stopPullDownRefresh();
  });

  const redeem = async (b: Benefit) => {
    if (busy) return;
    const cost = b.costPoints > 0 ? `将使用 ${formatPoints(b.costPoints)} 积分` : '免费领取';
    if (!(await confirm(`兑换「${b.title}」`, `${cost}，兑换后可在「我的券」中查看`))) return;
    setBusy(b.id);
    try {
      const r = await redeemBenefit(b.id);
      void list.refresh();
      if (subs.needs('redemption')) {
        // The modal's button is a tap: WeChat lets the subscribe prompt open from its callback.
        void Taro.showModal({
          title: r.replayed ? '已兑换（重复提交已忽略）' : '兑换成功',
          content: '券快到期、积分快过期时提醒你？',
          confirmText: '开启提醒',
          cancelText: '查看券',
          success: (m) => {
            if (m.confirm) void subs.ask('redemption').finally(() => go(ROUTES.vouchers));
            else go(ROUTES.vouchers);
          },
        });
        return;
      }
      await Taro.showToast({ title: r.replayed ? '已兑换（重复提交已忽略）' : '兑换成功', icon: 'success' });
      go(ROUTES.vouchers);
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <View className="page">
      <StateView
        loading={list.loading}
        error={list.items.length === 0 ? list.error : undefined}
        empty={list.empty}
        emptyText="暂时没有可兑换的权益"
        onRetry={list.loadMore}
      >
        {list.items.map((b) => {
          const blocked = blockedReason(b);
          return (
            <View key={b.id} className="section benefit" data-testid="benefit">
              <View className="benefit__body">
                <Text className="benefit__name">{b.title}</Text>
                {b.memberDayOnly && <Text className="muted">会员日专享</Text>}
                <Text className="muted">{b.description}</Text>
                <View className="benefit__foot">
                  <Text className="benefit__cost">
                    {b.costPoints > 0 ? `${formatPoints(b.costPoints)} 积分` : '免费'}
                  </Text>
                  <Text className="muted">剩余 {b.stockLeft}</Text>
                  <Button
                    size="mini"
                    className="btn-primary"
                    disabled={!!blocked || busy !== null}
                    loading={busy === b.id}
                    onClick={() => void redeem(b)}
                  >
                    {blocked ?? '兑换'}
                  </Button>
                </View>
              </View>
            </View>
          );
        })}
        <ListFooter
          loadingMore={list.loadingMore}
          done={list.done}
          error={list.error}
          count={list.items.length}
          onRetry={list.loadMore}
        />
      </StateView>
    </View>
  );
}
