import type { PointsEntry } from '@huiyuan/shared';
import { Text, View } from '@tarojs/components';
import { formatDateTime, formatDelta, formatPoints } from '../../utils/format';
import './index.scss';

const TYPE_LABELS: Record<PointsEntry['type'], string> = {
  credit: '获得',
  debit: '使用',
  expire: '过期',
  adjust: '调整',
  reversal: '退款扣回',
};

/** Reason codes the server writes (lower_snake); unknown ones show the type label. */
const REASON_LABELS: Record<string, string> = {
  purchase: '消费积分',
  checkin: '每日签到',
  'checkin.makeup': '补签',
  redemption: '兑换权益',
  referral: '邀请好友',
  birthday: '生日礼',
  refund: '退款扣回',
  expiry: '积分过期',
  task: '完成任务',
};

export function entryTitle(e: Pick<PointsEntry, 'type' | 'reason'>): string {
  return REASON_LABELS[e.reason] ?? (/^[a-z][a-z0-9_.]*$/.test(e.reason) ? TYPE_LABELS[e.type] : e.reason);
}

/** One ledger row: what happened, when, the signed change and the balance after it. */
export default function PointsEntryItem({ entry }: { entry: PointsEntry }) {
  return (
    <View className="points-entry" data-testid="points-entry">
      <View className="points-entry__main">
        <Text className="points-entry__title">{entryTitle(entry)}</Text>
        <Text className="points-entry__time">{formatDateTime(entry.createdAt)}</Text>
      </View>
      <View className="points-entry__side">
        <Text className={`points-entry__delta ${entry.delta > 0 ? 'is-plus' : 'is-minus'}`}>
          {formatDelta(entry.delta)}
        </Text>
        <Text className="points-entry__after">余额 {formatPoints(entry.balanceAfter)}</Text>
      </View>
    </View>
  );
}
