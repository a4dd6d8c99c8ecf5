import { Button, Text, View } from '@tarojs/components';
import StateView from '../../components/StateView';
import type { Subscriptions } from '../../hooks/useSubscribe';

/**
 * Each subscribe-message template with what the member has left: WeChat
 * allows one message per accepted request, so the count is how many more
 * reminders of that kind can reach them.
 */
export default function Notifications({ subs }: { subs: Subscriptions }) {
  if (process.env.TARO_ENV === 'h5') return <Text className="muted">请在微信小程序中订阅通知</Text>;
  const t = subs.templates;
  return (
    <StateView
      loading={t.loading}
      error={t.data ? undefined : t.error}
      onRetry={t.reload}
      empty={t.data?.templates.length === 0}
      emptyText="暂无可订阅的通知"
    >
      {(t.data?.templates ?? []).map((x) => (
        <View key={x.templateId} className="profile__template" data-testid="subscription-template">
          <Text>{x.title}</Text>
          <Text className="muted">{x.banned ? '已关闭，可在右上角“设置”中开启' : `可接收 ${x.allowance} 次`}</Text>
        </View>
      ))}
      <Button
        className="btn-primary profile__subscribe"
        disabled={!subs.can('profile') || undefined}
        onClick={() => void subs.ask('profile')}
        data-testid="subscribe-profile"
      >
        订阅积分与权益提醒
      </Button>
    </StateView>
  );
}
