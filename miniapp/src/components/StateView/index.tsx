import type { ReactNode } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { errorText } from '../../api/errors';
import './index.scss';

export interface StateViewProps {
  loading?: boolean;
  error?: unknown;
  empty?: boolean;
  emptyText?: string;
  loadingText?: string;
  onRetry?: () => void;
  /** An empty state's way forward, e.g. 去兑换. */
  actionText?: string;
  onAction?: () => void;
  children?: ReactNode;
}

/**
 * The loading / error / empty states every screen needs, in one place so they
 * look and read the same everywhere. Children render only when none applies.
 */
export default function StateView({
  loading,
  error,
  empty,
  emptyText = '暂无内容',
  loadingText = '加载中…',
  onRetry,
  actionText,
  onAction,
  children,
}: StateViewProps) {
  if (loading) {
    return (
      <View className="state-view" data-testid="state-loading">
        <View className="state-view__spinner" />
        <Text className="state-view__text">{loadingText}</Text>
      </View>
    );
  }
  if (error !== undefined && error !== null) {
    return (
      <View className="state-view" data-testid="state-error">
        <Text className="state-view__icon is-error">!</Text>
        <Text className="state-view__text">{errorText(error)}</Text>
        {onRetry && (
          <Button className="state-view__retry" onClick={onRetry}>
            重试
          </Button>
        )}
      </View>
    );
  }
  if (empty) {
    return (
      <View className="state-view" data-testid="state-empty">
        <View className="state-view__icon is-empty" />
        <Text className="state-view__text">{emptyText}</Text>
        {actionText && onAction && (
          <Button className="state-view__retry state-view__action" onClick={onAction}>
            {actionText}
          </Button>
        )}
      </View>
    );
  }
  return <>{children}</>;
}
