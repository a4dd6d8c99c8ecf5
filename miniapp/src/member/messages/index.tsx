import { useState } from 'react';
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getMessages, markAllRead, markRead, type Message } from '../../api/messages';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import StateView from '../../components/StateView';
import ListFooter from '../../components/ListFooter';
import { toastError } from '../../utils/feedback';
import { formatDateTime } from '../../utils/format';
import './index.scss';

/** In-app inbox: points changes, vouchers, tier changes. Read state is kept locally until the next refresh. */
export default function MessagesPage() {
  const list = useInfiniteList((cursor) => getMessages(cursor, 20), []);
  const [readIds, setReadIds] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<string | null>(null);

  useReachBottom(() => void list.loadMore());
  usePullDownRefresh(async () => {
    await list.refresh();
    setReadIds(new Set());
    void Taro.stopPullDownRefresh();
  });

  const isRead = (m: Message) => m.read || readIds.has(m.id);

  const open = (m: Message) => {
    setExpanded(expanded === m.id ? null : m.id);
    if (isRead(m)) return;
    setReadIds((s) => new Set(s).add(m.id));
    markRead(m.id).catch(() => undefined); // retried implicitly: it stays unread on the server
  };

  const readAll = async () => {
    try {
      await markAllRead();
      setReadIds(new Set(list.items.map((m) => m.id)));
    } catch (e) {
      toastError(e);
    }
  };

  return (
    <View className="page">
      {list.items.some((m) => !isRead(m)) && (
        <Text className="messages__all" onClick={() => void readAll()}>
          全部已读
        </Text>
      )}
      <StateView
        loading={list.loading}
        error={list.items.length === 0 ? list.error : undefined}
        empty={list.empty}
        emptyText="暂无消息"
        onRetry={list.loadMore}
      >
        {list.items.map((m) => (
          <View key={m.id} className={`section message${isRead(m) ? '' : ' is-unread'}`} onClick={() => open(m)}>
            <View className="message__head">
              <Text className="message__title">{m.title}</Text>
              <Text className="muted">{formatDateTime(m.createdAt)}</Text>
            </View>
            <Text className={`message__body${expanded === m.id ? ' is-open' : ''}`}>{m.body}</Text>
          </View>
        ))}
        <ListFooter
          loadingMore={list.loadingMore}
          done={list.done}
          error={list.error}
          count={list.items.length}
          onRetry={list.loadMore}
        />
      </StateView>
    </View>
  );
}
