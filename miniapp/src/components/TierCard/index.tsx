import { Text, View } from '@tarojs/components';
import { formatPoints } from '../../utils/format';
import './index.scss';

export interface TierCardProps {
  tierCode: string;
  tierName: string;
  maskedName: string;
  balance: number;
  /** e.g. "积分 x1.5" for tiers with a multiplier above 100%. */
  multiplierPercent?: number;
  onBalanceClick?: () => void;
}

/** The card face: tier colour and name, masked member name, points balance. */
export default function TierCard({
  tierCode,
  tierName,
  maskedName,
  balance,
  multiplierPercent,
  onBalanceClick,
}: TierCardProps) {
  // Known tier codes get their colour; any new tier falls back to the base face.
  const face = /^[a-z0-9_-]+$/.test(tierCode) ? `tier-card--${tierCode}` : '';
  return (
    <View className={`tier-card ${face}`} data-testid="tier-card">
      <View className="tier-card__top">
        <Text className="tier-card__tier">{tierName}</Text>
        {multiplierPercent !== undefined && multiplierPercent > 100 && (
          <Text className="tier-card__mult">
            积分 x{(multiplierPercent / 100).toFixed(multiplierPercent % 100 ? 1 : 0)}
          </Text>
        )}
      </View>
      <Text className="tier-card__name">{maskedName}</Text>
      <View className="tier-card__balance" onClick={onBalanceClick}>
        <Text className="tier-card__label">可用积分</Text>
        <Text className="tier-card__points" data-testid="tier-card-points">
          {formatPoints(balance)}
        </Text>
      </View>
    </View>
  );
}
