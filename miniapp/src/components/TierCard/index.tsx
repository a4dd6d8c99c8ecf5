import { Image, Text, View } from '@tarojs/components';
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
  /** The brand's name and card background (GET /api/brand); the face is the brand colour without one. */
  brandName?: string;
  backgroundUrl?: string | null;
  /** The brand's logo, beside its name at the top left of the card. */
  logoUrl?: string | null;
  /** Points that just arrived (a purchase while the code was shown): "+N 积分到账". */
  arrived?: number;
  /** Purchase points not yet spendable: "N 积分待到账" under the balance. */
  pending?: number;
}

/** The card face: brand colour or picture, tier chip, masked member name, points balance. */
export default function TierCard({
  tierCode,
  tierName,
  maskedName,
  balance,
  multiplierPercent,
  onBalanceClick,
  brandName,
  backgroundUrl,
  logoUrl,
  arrived = 0,
  pending = 0,
}: TierCardProps) {
  // Known tier codes get their chip colour; any new tier falls back to the base chip.
  const face = /^[a-z0-9_-]+$/.test(tierCode) ? `tier-card--${tierCode}` : '';
  const style = backgroundUrl ? `background-image:url("${encodeURI(backgroundUrl)}")` : undefined;
  return (
    <View className={`tier-card ${face}${backgroundUrl ? ' has-image' : ''}`} style={style} data-testid="tier-card">
      <View className="tier-card__top">
        <View className="tier-card__brandline">
          {logoUrl && <Image className="tier-card__logo" src={logoUrl} mode="aspectFit" data-testid="tier-card-logo" />}
          <Text className="tier-card__brand">{brandName ?? '会员'}</Text>
        </View>
        <View className="tier-card__chips">
          {multiplierPercent !== undefined && multiplierPercent > 100 && (
            <Text className="tier-card__mult">
              积分 x{(multiplierPercent / 100).toFixed(multiplierPercent % 100 ? 1 : 0)}
            </Text>
          )}
          <Text className="tier-card__tier">{tierName}</Text>
        </View>
      </View>
      <Text className="tier-card__name">{maskedName}</Text>
      <View className="tier-card__balance" onClick={onBalanceClick}>
        <Text className="tier-card__label">可用积分 ›</Text>
        <View className="tier-card__line">
          <Text className="tier-card__points" data-testid="tier-card-points">
            {formatPoints(balance)}
          </Text>
          {arrived > 0 && (
            <Text className="tier-card__arrived" data-testid="points-arrived">
              +{formatPoints(arrived)} 积分到账
            </Text>
          )}
        </View>
        {pending > 0 && (
          <Text className="tier-card__pending" data-testid="tier-card-pending">
            {formatPoints(pending)} 积分待到账
          </Text>
        )}
      </View>
    </View>
  );
}
