import { useState } from 'react';
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getMessages, markAllRead, markRead, type Message } from '../../api/messages';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import { messageRoute } from '../../domain/messageRoute';
import ListFooter from '../../components/ListFooter';
import { Page, StateView } from '../../ui';
import { toastError } from '../../utils/feedback';
import { formatDateTime } from '../../utils/format';
import { go } from '../../utils/routes';
import './index.scss';

/**
 * In-app inbox: points changes, vouchers, tier changes. Opening a message marks
 * it read and goes to its page (the tier page for an upgrade, the vouchers for
 * one about to expire); one with nowhere to go unfolds in place.
 */
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
    if (!isRead(m)) {
      setReadIds((s) => new Set(s).add(m.id));
      markRead(m.id).catch(() => undefined); // it stays unread on the server and shows again next time
    }
    const route = messageRoute(m);
    if (route) go(route);
    else setExpanded(expanded === m.id ? null : m.id);
  };

  const readAll = async () => {
    try {
      await markAllRead();
      setReadIds(new Set(list.items.map((x) => x.id)));
    } catch (e) {
      toastError(e);
    }
  };

  return (
    <Page className="messages">
      {list.items.some((m) => !isRead(m)) && (
        <Text className="messages__all" onClick={() => void readAll()}>
          全部已读
        </Text>
      )}
      <StateView
        loading={list.loading}
        error={list.items.length === 0 ? list.error : undefined}
        empty={list.empty}
        emptyText="暂无消息，积分变动和券的提醒会出现在这里"
        onRetry={list.loadMore}
      >
        {list.items.map((m) => {
          const route = messageRoute(m);
          return (
            <View
              key={m.id}
              className={`message${isRead(m) ? '' : ' is-unread'}`}
              onClick={() => open(m)}
              data-testid="message"
            >
              <View className="message__head">
                {!isRead(m) && <View className="message__dot" data-testid="unread-dot" />}
                <Text className="message__title">{m.title}</Text>
                <Text className="message__time">{formatDateTime(m.createdAt)}</Text>
              </View>
              <Text className={`message__body${expanded === m.id ? ' is-open' : ''}`}>{m.body}</Text>
              {route && <Text className="message__go">查看详情 ›</Text>}
            </View>
          );
        })}
        <ListFooter
          loadingMore={list.loadingMore}
          done={list.done}
          error={list.error}
          count={list.items.length}
          onRetry={list.loadMore}
        />
      </StateView>
    </Page>
  );
}
