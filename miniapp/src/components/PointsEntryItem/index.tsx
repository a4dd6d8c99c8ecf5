import type { PointsEntry } from '@huiyuan/shared';
import { ledgerReasonLabel } from '@huiyuan/shared/src/domain/ledger-reasons';
import { Text, View } from '@tarojs/components';
import { formatDateTime, formatDelta, formatPoints } from '../../utils/format';
import './index.scss';

/** The shared label of the entry's reason (the one table the server's reasons are checked against). */
export function entryTitle(e: Pick<PointsEntry, 'type' | 'reason'>): string {
  return ledgerReasonLabel(e.reason, e.type);
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
