import { Text, View } from '@tarojs/components';
import { errorText } from '../../api/errors';
import './index.scss';

export interface ListFooterProps {
  loadingMore: boolean;
  done: boolean;
  error: unknown;
  count: number;
  onRetry: () => void;
}

/** The end of an infinite list: loading more, a retry after a failed page, or the end. */
export default function ListFooter({ loadingMore, done, error, count, onRetry }: ListFooterProps) {
  let content: JSX.Element | null = null;
  if (loadingMore) content = <Text>加载中…</Text>;
  else if (error !== undefined && error !== null && count > 0) {
    content = <Text className="list-footer__retry" onClick={onRetry}>{`${errorText(error)}，点击重试`}</Text>;
  } else if (done && count > 0) content = <Text>没有更多了</Text>;
  return content ? (
    <View className="list-footer" data-testid="list-footer">
      {content}
    </View>
  ) : null;
}
