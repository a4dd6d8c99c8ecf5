import { Button, Text, View } from '@tarojs/components';
import type { Benefit } from '../../api/benefits';
import { BottomSheet } from '../../ui';
import { formatPoints } from '../../utils/format';

/** What a redemption would leave: the balance after, or how many points are missing. */
export function redeemQuote(cost: number, balance: number | null): { after: number | null; short: number } {
  if (balance === null) return { after: null, short: 0 };
  return balance >= cost ? { after: balance - cost, short: 0 } : { after: null, short: cost - balance };
}

export interface RedeemSheetProps {
  benefit: Benefit | null;
  balance: number | null;
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/** The mall opened on one benefit: the page opens its sheet (a shared benefit lands here). */
export const benefitSharePage = (id: string | number) =>
  `/pages/benefits/index?benefit=${encodeURIComponent(String(id))}`;

/** The price, the balance before and after, and the confirm at the bottom of the screen (disabled when short). */
export default function RedeemSheet({ benefit: b, balance, pending, onConfirm, onClose }: RedeemSheetProps) {
  const q = redeemQuote(b?.costPoints ?? 0, balance);
  return (
    <BottomSheet
      open={!!b}
      title="确认兑换"
      onClose={onClose}
      onConfirm={onConfirm}
      confirmText={q.short > 0 ? `还差 ${formatPoints(q.short)} 积分` : '确认兑换'}
      confirmDisabled={q.short > 0}
      confirmLoading={pending}
      testId="redeem-sheet"
    >
      {b && (
        <View className="redeem">
          <Text className="redeem__title">{b.title}</Text>
          <View className="redeem__row">
            <Text className="redeem__label">所需积分</Text>
            <Text className="redeem__value is-strong">{b.costPoints > 0 ? formatPoints(b.costPoints) : '免费'}</Text>
          </View>
          <View className="redeem__row">
            <Text className="redeem__label">当前积分</Text>
            <Text className="redeem__value">{balance === null ? '—' : formatPoints(balance)}</Text>
          </View>
          {q.short > 0 ? (
            <View className="redeem__row">
              <Text className="redeem__label">还差</Text>
              <Text className="redeem__value is-short" data-testid="redeem-short">
                {formatPoints(q.short)} 积分
              </Text>
            </View>
          ) : (
            q.after !== null && (
              <View className="redeem__row">
                <Text className="redeem__label">兑换后剩余</Text>
                <Text className="redeem__value" data-testid="redeem-after">
                  {formatPoints(q.after)}
                </Text>
              </View>
            )
          )}
          <Text className="redeem__note">兑换后券放入「券包」，到店出示即可使用</Text>
          {/* The browser build has no share menu; in WeChat this shares the benefit with the invite code. */}
          {process.env.TARO_ENV !== 'h5' && (
            <Button
              className="redeem__share"
              openType="share"
              data-share-title={`${b.title}｜${b.costPoints > 0 ? `${formatPoints(b.costPoints)} 积分兑` : '会员免费领'}`}
              data-share-page={benefitSharePage(b.id)}
            >
              分享给好友
            </Button>
          )}
        </View>
      )}
    </BottomSheet>
  );
}
