import { Button, Text, View } from '@tarojs/components';
import { getTier } from '../../api/tiers';
import { useAsync } from '../../hooks/useAsync';
import { useReferralShare } from '../../hooks/useReferralShare';
import { useSubscriptions } from '../../hooks/useSubscribe';
import { ROUTES } from '../../utils/routes';
import StateView from '../../components/StateView';
import GrowthProgress from '../../components/GrowthProgress';
import { formatDate, formatDelta } from '../../utils/format';
import './index.scss';
import { Page } from '../../ui';

/** Tier rules and every growth entry in the rolling window, explained. */
export default function TierPage() {
  const tier = useAsync(getTier, []);
  const subs = useSubscriptions();
  useReferralShare('会员等级与专属权益', ROUTES.tier);
  const t = tier.data;
  return (
    <Page>
      <StateView loading={tier.loading} error={tier.error && !t ? tier.error : undefined} onRetry={tier.reload}>
        {t && (
          <>
            <View className="section">
              <View className="section-title">{t.current.name}</View>
              <Text className="muted">自 {formatDate(t.since)} 起</Text>
              <GrowthProgress
                growth={t.growthInWindow}
                currentMin={t.current.minGrowth}
                next={
                  t.next ? { name: t.next.tier.name, minGrowth: t.next.tier.minGrowth, needed: t.next.needed } : null
                }
                keep={t.keep}
                windowMonths={t.window.months}
              />
              {subs.can('tier') && (
                <Button
                  size="mini"
                  className="btn-primary tier__remind"
                  onClick={() => void subs.ask('tier')}
                  data-testid="subscribe-tier"
                >
                  升级提醒
                </Button>
              )}
            </View>
            <View className="section">
              <View className="section-title">等级权益</View>
              {t.tiers.map((x) => (
                <View key={x.code} className={`tier-row${x.code === t.current.code ? ' is-current' : ''}`}>
                  <Text className="tier-row__name">{x.name}</Text>
                  <Text className="muted">
                    成长值 {x.minGrowth}+ · 积分 x{x.multiplierPercent / 100}
                  </Text>
                  {x.benefits.length > 0 && <Text className="muted">{x.benefits.join('、')}</Text>}
                </View>
              ))}
            </View>
            <View className="section">
              <View className="section-title">成长值明细</View>
              <StateView empty={t.entries.length === 0} emptyText="近期还没有成长值记录">
                {t.entries.map((e) => (
                  <View key={e.id} className="growth-row">
                    <View className="growth-row__main">
                      <Text>{e.label}</Text>
                      <Text className="muted">
                        {formatDate(e.createdAt)} · {formatDate(e.countsUntil)} 后不再计入
                      </Text>
                    </View>
                    <Text className="growth-row__delta">{formatDelta(e.delta)}</Text>
                  </View>
                ))}
              </StateView>
            </View>
          </>
        )}
      </StateView>
    </Page>
  );
}
