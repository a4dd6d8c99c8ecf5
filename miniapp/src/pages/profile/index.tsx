import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getMe } from '../../api/me';
import { getCard } from '../../api/tiers';
import { getVouchers } from '../../api/vouchers';
import { getUnreadCount } from '../../api/messages';
import { useAsync } from '../../hooks/useAsync';
import { Badge, Card, ListCell, Page } from '../../ui';
import { formatPoints } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import './index.scss';

/** Unused vouchers, counted from the first page (a hub needs "20+", not an exact total). */
const countVouchers = async () => {
  const r = await getVouchers('unused', null, 20);
  return { n: r.items.length, more: r.nextCursor !== null };
};

const SHORTCUTS = [
  { key: 'checkin', text: '签到', icon: '签', url: ROUTES.checkin },
  { key: 'tasks', text: '任务', icon: '任', url: ROUTES.tasks },
  { key: 'vouchers', text: '券包', icon: '券', url: ROUTES.vouchers },
  { key: 'messages', text: '消息', icon: '信', url: ROUTES.messages },
] as const;

/**
 * 我的 as a hub: who I am (avatar, nickname, tier), my numbers (points,
 * coupons), shortcuts (messages with the unread count) and the way to settings,
 * privacy and invitations. Every number is fetched again when the tab shows.
 */
export default function ProfilePage() {
  const me = useAsync(getMe, []);
  const card = useAsync(getCard, []);
  const vouchers = useAsync(countVouchers, []);
  const unread = useAsync(getUnreadCount, []);

  const reloadAll = () => Promise.all([me.reload(), card.reload(), vouchers.reload(), unread.reload()]);
  useDidShow(() => {
    if (me.data || card.data) void reloadAll();
  });
  usePullDownRefresh(async () => {
    await reloadAll();
    void Taro.stopPullDownRefresh();
  });

  const name = me.data?.nickname || card.data?.maskedName || '会员';
  const v = vouchers.data;
  const unreadN = unread.data?.unread ?? 0;

  return (
    <Page className="hub">
      <View className="hub__head" onClick={() => go(ROUTES.settings)} data-testid="hub-head">
        <Text className="hub__avatar">{name.slice(0, 1)}</Text>
        <View className="hub__who">
          <Text className="hub__name">{name}</Text>
          {card.data && <Badge className="hub__tier" tone="accent" text={card.data.tier.name} />}
        </View>
        <Text className="hub__edit">编辑资料 ›</Text>
      </View>

      <View className="hub__stats">
        <View className="hub__stat" onClick={() => go(ROUTES.points)} data-testid="hub-points">
          <Text className="hub__num">{card.data ? formatPoints(card.data.balance) : '—'}</Text>
          <Text className="hub__label">积分</Text>
        </View>
        <View className="hub__stat" onClick={() => go(ROUTES.vouchers)} data-testid="hub-vouchers">
          <Text className="hub__num">{v ? `${v.n}${v.more ? '+' : ''}` : '—'}</Text>
          <Text className="hub__label">优惠券</Text>
        </View>
        <View className="hub__stat" onClick={() => go(ROUTES.tier)}>
          <Text className="hub__num">{card.data?.tier.name ?? '—'}</Text>
          <Text className="hub__label">会员等级</Text>
        </View>
      </View>

      <Card className="hub__shortcuts">
        {SHORTCUTS.map((s) => (
          <View key={s.key} className="hub__shortcut" onClick={() => go(s.url)} data-testid={`hub-${s.key}`}>
            <View className="hub__icon">
              <Text>{s.icon}</Text>
              {s.key === 'messages' && <Badge className="hub__badge" count={unreadN} />}
            </View>
            <Text className="hub__shortcut-text">{s.text}</Text>
          </View>
        ))}
      </Card>

      <Card>
        <ListCell icon="邀" title="邀请有礼" description="好友入会，双方得积分" onClick={() => go(ROUTES.invite)} />
        <ListCell icon="级" title="会员等级" description="等级权益与成长值" onClick={() => go(ROUTES.tier)} />
        <ListCell icon="私" title="隐私" description="隐私政策与个人信息授权" onClick={() => go(ROUTES.privacy)} />
        <ListCell
          icon="设"
          title="设置"
          description="昵称、生日、手机号、消息通知"
          onClick={() => go(ROUTES.settings)}
          testId="hub-settings"
        />
      </Card>

      <Text className="hub__staff" onClick={() => go(ROUTES.staffLogin)}>
        店员入口
      </Text>
    </Page>
  );
}
