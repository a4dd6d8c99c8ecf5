import { useCallback, useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow, usePullDownRefresh, useShareTimeline } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getCard, getTier } from '../../api/tiers';
import { useAsync } from '../../hooks/useAsync';
import { useMemberCode } from '../../hooks/useMemberCode';
import { useReferralShare } from '../../hooks/useReferralShare';
import { shareQuery } from '../../api/referrals';
import { memberCodeGenerator } from '../../domain/memberCode';
import { useCardPulse } from '../../hooks/useCardPulse';
import { assetUrl } from '../../api/brand';
import TierCard from '../../components/TierCard';
import GrowthProgress from '../../components/GrowthProgress';
import MemberCode from '../../components/MemberCode';
import PaidMemberBar from '../../components/PaidMemberBar';
import { ROUTES, go } from '../../utils/routes';
import { formatPoints } from '../../utils/format';
import { Card, Page, StateView, useBrand } from '../../ui';
import './index.scss';

const SHORTCUTS = [
  { text: '签到', icon: '签', url: ROUTES.checkin },
  { text: '券包', icon: '券', url: ROUTES.vouchers },
  { text: '邀请有礼', icon: '邀', url: ROUTES.invite },
  { text: '积分商城', icon: '礼', url: ROUTES.benefits },
];

/**
 * The card: tier face, points, growth progress and the rotating member code
 * that staff scan at the counter. While shown, the screen is at full
 * brightness (scanners fail on dim screens) and kept on, and the card's pulse
 * is polled briefly: a purchase credited at the counter shows as "+N 积分到账",
 * and a clerk's request waiting for this member (a lookup by phone, points to
 * pay with) shows as a bar to the confirm page.
 */
export default function CardPage() {
  const [visible, setVisible] = useState(true);
  const card = useAsync(getCard, []);
  const tier = useAsync(getTier, []);
  const savedBrightness = useRef<number | null>(null);
  const brand = useBrand();

  const refetchCard = useCallback(() => void card.reload(), [card.reload]);
  const code = useMemberCode(card.data, refetchCard, { active: visible, generate: memberCodeGenerator });
  // One poll for both: the balance and the clerk's requests waiting for a confirmation.
  const live = useCardPulse(visible, card.data?.balance);
  const asks = live.asks;
  // Shares carry the invite code, never the member code: that one is for the counter only.
  const refCode = useReferralShare('送你一张会员卡，入会即享礼遇', ROUTES.card);
  useShareTimeline(() => ({ title: '入会即享会员礼遇', query: shareQuery(refCode) }));

  useDidShow(() => {
    setVisible(true);
    if (card.data) void card.reload();
    if (tier.data) void tier.reload();
    if (process.env.TARO_ENV !== 'weapp') return;
    Taro.getScreenBrightness()
      .then((r) => {
        savedBrightness.current = r.value;
      })
      .catch(() => undefined)
      .finally(() => {
        Taro.setScreenBrightness({ value: 1 }).catch(() => undefined);
      });
    Taro.setKeepScreenOn({ keepScreenOn: true }).catch(() => undefined);
  });

  useDidHide(() => {
    setVisible(false);
    if (process.env.TARO_ENV !== 'weapp') return;
    if (savedBrightness.current !== null)
      Taro.setScreenBrightness({ value: savedBrightness.current }).catch(() => undefined);
    Taro.setKeepScreenOn({ keepScreenOn: false }).catch(() => undefined);
  });

  usePullDownRefresh(async () => {
    await Promise.all([card.reload(), tier.reload()]);
    void Taro.stopPullDownRefresh();
  });

  const c = card.data;
  const t = tier.data;
  return (
    <Page className="card-page">
      {asks.length > 0 && (
        <View className="card-page__ask" onClick={() => go(ROUTES.confirm)} data-testid="card-confirm">
          <Text className="card-page__ask-text">
            {asks[0].purpose === 'redeem'
              ? `${asks[0].storeName} 请求使用 ${formatPoints(asks[0].points ?? 0)} 积分`
              : `${asks[0].storeName} 正在确认您的会员身份`}
          </Text>
          <Text className="card-page__ask-go">去确认 ›</Text>
        </View>
      )}
      <StateView
        loading={card.loading}
        error={card.error && !c ? card.error : undefined}
        onRetry={card.reload}
        loadingText="正在打开会员卡…"
      >
        {c && (
          <>
            <TierCard
              tierCode={c.tier.code}
              tierName={c.tier.name}
              maskedName={c.maskedName}
              balance={live.balance ?? c.balance}
              arrived={live.arrived}
              pending={c.pendingPoints ?? 0}
              multiplierPercent={c.tier.multiplierPercent}
              onBalanceClick={() => go(ROUTES.points)}
              brandName={brand.name}
              logoUrl={assetUrl(brand.logoUrl)}
              backgroundUrl={assetUrl(brand.cardBackgroundUrl)}
            />
            <PaidMemberBar visible={visible} />
            <View className="section card-page__code" data-testid="card-code">
              <Text className="card-page__code-title">向店员出示会员码</Text>
              {code.code ? <MemberCode code={code.code} stale={code.stale} /> : null}
              <Text className="muted card-page__refresh" onClick={() => void card.reload()}>
                {code.stale ? '正在刷新…' : `${code.secondsLeft}秒后自动刷新 · 点击刷新`}
              </Text>
            </View>
          </>
        )}
      </StateView>

      <View className="card-page__shortcuts">
        {SHORTCUTS.map((s) => (
          <View key={s.url} className="card-page__shortcut" onClick={() => go(s.url)}>
            <Text className="card-page__icon">{s.icon}</Text>
            <Text className="card-page__label">{s.text}</Text>
          </View>
        ))}
      </View>

      {t && (
        <Card title="会员成长" extra="等级权益 ›" onClick={() => go(ROUTES.tier)} testId="card-growth">
          <GrowthProgress
            growth={t.growthInWindow}
            currentMin={t.current.minGrowth}
            next={t.next ? { name: t.next.tier.name, minGrowth: t.next.tier.minGrowth, needed: t.next.needed } : null}
            keep={t.keep}
            windowMonths={t.window.months}
          />
        </Card>
      )}
      {tier.error && !t ? (
        <Text className="muted" onClick={() => void tier.reload()}>
          成长值加载失败，点击重试
        </Text>
      ) : null}
    </Page>
  );
}
