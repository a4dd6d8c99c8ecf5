import type { PointsSummary } from '@huiyuan/shared';
import { Text, View } from '@tarojs/components';
import { formatDate, formatPoints } from '../../utils/format';
import './index.scss';

export interface PointsSummaryCardProps {
  summary: PointsSummary;
  /** Show each expiring lot with its date (the points page), or just the total (the card). */
  detailed?: boolean;
}

/**
 * Balance plus what expires soon: members are told before points lapse, lot by
 * lot. Pending points (earned at a purchase, held until the return window
 * passes) are shown apart from the balance, with the day each purchase's points
 * become spendable.
 */
export default function PointsSummaryCard({ summary, detailed = true }: PointsSummaryCardProps) {
  const { balance, expiringSoon, pending } = summary;
  return (
    <View className="points-summary" data-testid="points-summary">
      <Text className="points-summary__label">可用积分</Text>
      <Text className="points-summary__balance" data-testid="points-balance">
        {formatPoints(balance)}
      </Text>
      {pending && pending.total > 0 && (
        <View className="points-summary__pending" data-testid="points-pending">
          <Text className="points-summary__pending-total">{`待到账 ${formatPoints(pending.total)} 积分`}</Text>
          {detailed &&
            pending.items.map((p, i) => (
              <View key={`${p.releasesAt}-${i}`} className="points-summary__lot" data-testid="points-pending-item">
                <Text>{formatPoints(p.points)} 积分</Text>
                <Text className="points-summary__date">{formatDate(p.releasesAt)} 到账</Text>
              </View>
            ))}
        </View>
      )}
      {expiringSoon.total > 0 ? (
        <View className="points-summary__expiring" data-testid="points-expiring">
          <Text className="points-summary__warn">{`${expiringSoon.withinDays}天内将过期 ${formatPoints(expiringSoon.total)} 积分`}</Text>
          {detailed &&
            expiringSoon.lots.map((lot) => (
              <View key={`${lot.expiresAt}-${lot.points}`} className="points-summary__lot" data-testid="points-lot">
                <Text>{formatPoints(lot.points)} 积分</Text>
                <Text className="points-summary__date">{formatDate(lot.expiresAt)} 过期</Text>
              </View>
            ))}
        </View>
      ) : (
        <Text className="points-summary__ok">{`${expiringSoon.withinDays}天内没有即将过期的积分`}</Text>
      )}
    </View>
  );
}
