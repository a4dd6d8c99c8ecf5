import { useEffect } from 'react';
import { Text, View } from '@tarojs/components';
import { getMyMembership } from '../../api/membership';
import { useAsync } from '../../hooks/useAsync';
import { formatDate } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import './index.scss';

/**
 * The paid-membership line under the card face: the badge and end date while
 * paid, a renewal link once ended, an offer when never bought. Reloaded each
 * time the card is shown (a purchase or expiry elsewhere shows on return).
 * Renders nothing while loading or when the server cannot answer.
 */
export default function PaidMemberBar({ visible }: { visible: boolean }) {
  const mine = useAsync(getMyMembership, []);
  useEffect(() => {
    if (visible && mine.data) void mine.reload();
    // Reload on show only: mine.data changing must not refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [visible]);
  const m = mine.data;
  if (!m) return null;
  const open = () => go(ROUTES.membership);
  if (m.status === 'active')
    return (
      <View className="paid-bar is-active" onClick={open} data-testid="paid-member-bar">
        <Text className="paid-bar__badge">付费会员</Text>
        <Text className="paid-bar__text">
          {m.plan?.title ?? ''} · 有效期至 {formatDate(m.endsAt!)}
        </Text>
        <Text className="paid-bar__go">续费 ›</Text>
      </View>
    );
  return (
    <View className="paid-bar" onClick={open} data-testid="paid-member-bar">
      <Text className="paid-bar__text">
        {m.status === 'none' ? '开通付费会员，积分多得、每月礼包' : `付费会员已于 ${formatDate(m.endsAt!)} 结束`}
      </Text>
      <Text className="paid-bar__go">{m.status === 'none' ? '去开通 ›' : '续费 ›'}</Text>
    </View>
  );
}
