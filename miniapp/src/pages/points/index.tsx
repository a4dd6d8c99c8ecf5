import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { getPointsEntries, getPointsSummary } from '../../api/points';
import { useAsync } from '../../hooks/useAsync';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import PointsSummaryCard from '../../components/PointsSummaryCard';
import PointsEntryItem from '../../components/PointsEntryItem';
import ListFooter from '../../components/ListFooter';
import { Card, Page, StateView } from '../../ui';
import { ROUTES, go } from '../../utils/routes';

/**
 * Balance, what expires soon (per lot, with dates) and the history, newest
 * first, paged by cursor. Fetched again whenever the tab shows: points change
 * at the counter while the member is elsewhere.
 */
export default function PointsPage() {
  const summary = useAsync(getPointsSummary, []);
  const history = useInfiniteList((cursor) => getPointsEntries(cursor, 20), []);

  useReachBottom(() => void history.loadMore());
  usePullDownRefresh(async () => {
    await Promise.all([summary.reload(), history.refresh()]);
    void Taro.stopPullDownRefresh();
  });
  useDidShow(() => {
    if (summary.data) void summary.reload();
    if (history.items.length) void history.refresh();
  });

  return (
    <Page>
      <StateView loading={summary.loading} error={summary.error} onRetry={summary.reload}>
        {summary.data && <PointsSummaryCard summary={summary.data} />}
      </StateView>

      <Card title="积分明细" extra="去兑换 ›" onExtraClick={() => go(ROUTES.benefits)}>
        <StateView
          loading={history.loading}
          error={history.items.length === 0 ? history.error : undefined}
          empty={history.empty}
          emptyText="还没有积分记录，消费或签到即可获得积分"
          actionText="去签到"
          onAction={() => go(ROUTES.checkin)}
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
      </Card>
    </Page>
  );
}
