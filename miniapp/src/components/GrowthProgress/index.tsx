import { Text, View } from '@tarojs/components';
import { formatDate, formatPoints } from '../../utils/format';
import './index.scss';

export interface GrowthProgressProps {
  growth: number;
  currentMin: number;
  next: { name: string; minGrowth: number; needed: number } | null;
  keep?: { needed: number; atRisk: boolean; graceUntil: string | null };
  windowMonths?: number;
}

/** 0..100 share of the way from the current tier's threshold to the next one. */
export function progressPercent(growth: number, currentMin: number, nextMin: number | null): number {
  if (nextMin === null) return 100;
  const span = nextMin - currentMin;
  if (span <= 0) return 100;
  return Math.max(0, Math.min(100, Math.floor(((growth - currentMin) / span) * 100)));
}

/** Growth bar with what the next tier needs and, when at risk, what keeps this one. */
export default function GrowthProgress({ growth, currentMin, next, keep, windowMonths }: GrowthProgressProps) {
  const pct = progressPercent(growth, currentMin, next ? next.minGrowth : null);
  return (
    <View className="growth" data-testid="growth">
      <View className="growth__head">
        <Text>成长值 {formatPoints(growth)}</Text>
        {windowMonths ? <Text className="growth__window">近{windowMonths}个月</Text> : null}
      </View>
      <View className="growth__track">
        <View className="growth__fill" data-testid="growth-fill" data-pct={pct} style={{ width: `${pct}%` }} />
      </View>
      <Text className="growth__hint" data-testid="growth-hint">
        {next ? `再获得 ${formatPoints(next.needed)} 成长值升级为${next.name}` : '已是最高等级'}
      </Text>
      {keep?.atRisk && (
        <Text className="growth__risk" data-testid="growth-risk">
          {keep.graceUntil
            ? `保级还需 ${formatPoints(keep.needed)} 成长值，${formatDate(keep.graceUntil)} 前未达到将降级`
            : `保级还需 ${formatPoints(keep.needed)} 成长值`}
        </Text>
      )}
    </View>
  );
}
