import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter, useShareTimeline } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getBenefits, redeemBenefit, type Benefit } from '../../api/benefits';
import { getPointsSummary } from '../../api/points';
import { useAsync } from '../../hooks/useAsync';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import { useReferralShare } from '../../hooks/useReferralShare';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { useSubscriptions } from '../../hooks/useSubscribe';
import { shareQuery } from '../../api/referrals';
import ListFooter from '../../components/ListFooter';
import { Page, StateView } from '../../ui';
import { toastError, toastOk } from '../../utils/feedback';
import { formatPoints } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import BenefitCard from './BenefitCard';
import RedeemSheet from './RedeemSheet';
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
 * The points mall. 兑换 on a card opens a sheet at the bottom with the price and
 * the balance after; only its confirm spends, once per confirm: a second tap
 * while the request is pending does nothing, and the api module keeps the
 * Idempotency-Key of an unsettled attempt, so a retry cannot spend twice.
 */
export default function BenefitsPage() {
  const list = useInfiniteList(getBenefits, []);
  const points = useAsync(getPointsSummary, []);
  const [chosen, setChosen] = useState<Benefit | null>(null);
  const flight = useSingleFlight();

  useReachBottom(() => void list.loadMore());
  const subs = useSubscriptions();
  const refCode = useReferralShare('积分好礼等你兑换', ROUTES.benefits);
  useShareTimeline(() => ({ title: '会员积分商城，好礼等你兑换', query: shareQuery(refCode) }));
  usePullDownRefresh(async () => {
    await Promise.all([list.refresh(), points.reload()]);
    void Taro.stopPullDownRefresh();
  });
  // Points change elsewhere (a purchase, a check-in): show fresh numbers whenever the tab comes back.
  useDidShow(() => {
    if (points.data) void points.reload();
    if (list.items.length) void list.refresh();
  });

  const balance = points.data?.balance ?? null;

  // Opened from a shared benefit (?benefit=id): show its sheet once, when the list holds it.
  const sharedId = useRouter().params.benefit;
  const openedShared = useRef(false);
  useEffect(() => {
    if (!sharedId || openedShared.current) return;
    const b = list.items.find((x) => String(x.id) === sharedId);
    if (b) {
      openedShared.current = true;
      setChosen(b);
    }
  }, [sharedId, list.items]);

  const confirmRedeem = () =>
    void flight.run(async () => {
      const b = chosen;
      if (!b) return;
      try {
        const r = await redeemBenefit(b.id);
        setChosen(null);
        if (points.data) points.setData({ ...points.data, balance: r.balance });
        void list.refresh();
        if (subs.needs('redemption')) {
          // The modal's button is a tap: WeChat lets the subscribe prompt open from its callback.
          void Taro.showModal({
            title: '兑换成功',
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
        toastOk('兑换成功');
        go(ROUTES.vouchers);
      } catch (e) {
        toastError(e);
        void points.reload();
      }
    });

  return (
    <Page className="mall">
      <View className="mall__head">
        <View>
          <Text className="mall__label">我的积分</Text>
          <Text className="mall__balance" data-testid="mall-balance">
            {balance === null ? '—' : formatPoints(balance)}
          </Text>
        </View>
        <Text className="mall__link" onClick={() => go(ROUTES.vouchers)}>
          券包 ›
        </Text>
      </View>
      <StateView
        loading={list.loading}
        error={list.items.length === 0 ? list.error : undefined}
        empty={list.empty}
        emptyText="暂时没有可兑换的权益，稍后再来看看"
        onRetry={list.loadMore}
      >
        <View className="mall__grid">
          {list.items.map((b) => (
            <BenefitCard
              key={b.id}
              benefit={b}
              blocked={blockedReason(b)}
              busy={flight.pending && chosen?.id === b.id}
              onRedeem={() => !flight.pending && setChosen(b)}
            />
          ))}
        </View>
        <ListFooter
          loadingMore={list.loadingMore}
          done={list.done}
          error={list.error}
          count={list.items.length}
          onRetry={list.loadMore}
        />
      </StateView>
      <RedeemSheet
        benefit={chosen}
        balance={balance}
        pending={flight.pending}
        onConfirm={confirmRedeem}
        onClose={() => !flight.pending && setChosen(null)}
      />
    </Page>
  );
}
