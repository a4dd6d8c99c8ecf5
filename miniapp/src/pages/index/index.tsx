import { useCallback, useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow, usePullDownRefresh, useShareTimeline } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getCard, getTier } from '../../api/tiers';
import { useAsync } from '../../hooks/useAsync';
import { useMemberCode } from '../../hooks/useMemberCode';
import { useReferralShare } from '../../hooks/useReferralShare';
import { shareQuery } from '../../api/referrals';
import { memberCodeGenerator } from '../../domain/memberCode';
import StateView from '../../components/StateView';
import TierCard from '../../components/TierCard';
import GrowthProgress from '../../components/GrowthProgress';
import MemberCode from '../../components/MemberCode';
import { ROUTES, go } from '../../utils/routes';
import './index.scss';

const SHORTCUTS = [
  { text: '签到', url: ROUTES.checkin },
  { text: '我的券', url: ROUTES.vouchers },
  { text: '邀请有礼', url: ROUTES.invite },
  { text: '消息', url: ROUTES.messages },
];

/**
 * The card: tier face, points, growth progress and the rotating member code
 * that staff scan at the counter. While shown, the screen is at full
 * brightness (scanners fail on dim screens) and kept on.
 */
export default function CardPage() {
  const [visible, setVisible] = useState(true);
  const card = useAsync(getCard, []);
  const tier = useAsync(getTier, []);
  const savedBrightness = useRef<number | null>(null);

  const refetchCard = useCallback(() => void card.reload(), [card.reload]);
  const code = useMemberCode(card.data, refetchCard, { active: visible, generate: memberCodeGenerator });
  // Shares carry the invite code, never the member code: that one is for the counter only.
  const refCode = useReferralShare('送你一张会员卡，入会即享礼遇', ROUTES.card);
  useShareTimeline(() => ({ title: '入会即享会员礼遇', query: shareQuery(refCode) }));

  useDidShow(() => {
    setVisible(true);
    if (card.data) void card.reload();
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
    <View className="page card-page">
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
              balance={c.balance}
              multiplierPercent={c.tier.multiplierPercent}
              onBalanceClick={() => go(ROUTES.points)}
            />
            <View className="section card-page__code" data-testid="card-code">
              <Text className="muted">向店员出示会员码</Text>
              {code.code ? <MemberCode code={code.code} stale={code.stale} /> : null}
              <Text className="muted card-page__refresh" onClick={() => void card.reload()}>
                {code.stale ? '正在刷新…' : `${code.secondsLeft}秒后自动刷新 · 点击刷新`}
              </Text>
            </View>
          </>
        )}
      </StateView>

      {t && (
        <View className="section" onClick={() => go(ROUTES.tier)} data-testid="card-growth">
          <GrowthProgress
            growth={t.growthInWindow}
            currentMin={t.current.minGrowth}
            next={t.next ? { name: t.next.tier.name, minGrowth: t.next.tier.minGrowth, needed: t.next.needed } : null}
            keep={t.keep}
            windowMonths={t.window.months}
          />
        </View>
      )}
      {tier.error && !t ? (
        <Text className="muted" onClick={() => void tier.reload()}>
          成长值加载失败，点击重试
        </Text>
      ) : null}

      <View className="section card-page__shortcuts">
        {SHORTCUTS.map((s) => (
          <View key={s.url} className="card-page__shortcut" onClick={() => go(s.url)}>
            <Text>{s.text}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
