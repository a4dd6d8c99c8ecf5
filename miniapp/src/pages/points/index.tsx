import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { getPointsEntries, getPointsSummary } from '../../api/points';
import { useAsync } from '../../hooks/useAsync';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import StateView from '../../components/StateView';
import PointsSummaryCard from '../../components/PointsSummaryCard';
import PointsEntryItem from '../../components/PointsEntryItem';
import ListFooter from '../../components/ListFooter';

/** Balance, what expires soon (per lot, with dates) and the history, newest first, paged by cursor. */
export default function PointsPage() {
  const summary = useAsync(getPointsSummary, []);
  const history = useInfiniteList((cursor) => getPointsEntries(cursor, 20), []);

  useReachBottom(() => void history.loadMore());
  usePullDownRefresh(async () => {
    await Promise.all([summary.reload(), history.refresh()]);
    void Taro.stopPullDownRefresh();
  });

  return (
    <View className="page">
      <StateView loading={summary.loading} error={summary.error} onRetry={summary.reload}>
        {summary.data && <PointsSummaryCard summary={summary.data} />}
      </StateView>

      <View className="section">
        <View className="section-title">积分明细</View>
        <StateView
          loading={history.loading}
          error={history.items.length === 0 ? history.error : undefined}
          empty={history.empty}
          emptyText="还没有积分记录，消费或签到即可获得积分"
          onRetry={history.loadMore}
        >
          {history.items.map((e) => (
            <PointsEntryItem key={e.id} entry={e} />
          ))}
          <ListFooter
            loadingMore={history.loadingMore}
            done={history.done}
            error={history.error}
            count={history.items.length}
            onRetry={history.loadMore}
          />
        </StateView>
      </View>
    </View>
  );
}
