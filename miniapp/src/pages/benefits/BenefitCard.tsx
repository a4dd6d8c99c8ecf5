import { Image, Text, View } from '@tarojs/components';
import type { Benefit } from '../../api/benefits';
import { assetUrl } from '../../api/brand';
import { Badge, Button } from '../../ui';
import { formatPoints } from '../../utils/format';

/** The operator's picture (480 px for a 200 px box at 2-3x), served by the API. */
export const benefitImage = (b: Benefit): string | null => assetUrl(b.imageUrl);

/** A placeholder per kind when there is no picture: a glyph on the brand's soft accent. */
const PLACEHOLDER: Record<Benefit['kind'], string> = { voucher: '券', gift: '礼', coupon: '惠' };

export interface BenefitCardProps {
  benefit: Benefit;
  blocked: string | null;
  busy: boolean;
  onRedeem: () => void;
}

/** One benefit in the mall: picture, title, price and stock; the 兑换 button sits on the card, high above the sheet's confirm. */
export default function BenefitCard({ benefit: b, blocked, busy, onRedeem }: BenefitCardProps) {
  const img = benefitImage(b);
  return (
    <View className="benefit" data-testid="benefit">
      <View className={`benefit__media benefit__media--${b.kind}`}>
        {img ? (
          <Image className="benefit__image" src={img} mode="aspectFill" lazyLoad />
        ) : (
          <Text className="benefit__glyph">{PLACEHOLDER[b.kind] ?? '礼'}</Text>
        )}
        {b.memberDayOnly && <Badge className="benefit__flag" tone="accent" text="会员日专享" />}
      </View>
      <View className="benefit__body">
        <Text className="benefit__name">{b.title}</Text>
        {b.description ? <Text className="benefit__desc">{b.description}</Text> : null}
        <View className="benefit__meta">
          {b.minTier && <Badge tone="neutral" text={`${b.minTier.name}及以上`} />}
          {b.paidMembersOnly && <Badge tone="accent" text="付费会员专享" />}
          <Text className="benefit__stock">剩余 {b.stockLeft}</Text>
        </View>
        <View className="benefit__foot">
          <Text className="benefit__cost">
            {b.costPoints > 0 ? (
              <>
                <Text className="benefit__price">{formatPoints(b.costPoints)}</Text> 积分
              </>
            ) : (
              '免费'
            )}
          </Text>
          <Button size="sm" variant="accent" disabled={!!blocked} loading={busy} onClick={onRedeem} testId="redeem">
            {blocked ?? '兑换'}
          </Button>
        </View>
      </View>
    </View>
  );
}
