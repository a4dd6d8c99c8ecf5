import { Text } from '@tarojs/components';
import './index.scss';

export interface BadgeProps {
  /** A count (99+ above 99); 0 or undefined with `dot` shows a dot. */
  count?: number;
  dot?: boolean;
  text?: string;
  tone?: 'danger' | 'accent' | 'neutral' | 'success';
  className?: string;
}

/** An unread count, a dot, or a small label (tier, status). Renders nothing when there is nothing to say. */
export default function Badge({ count, dot, text, tone = 'danger', className = '' }: BadgeProps) {
  if (text) return <Text className={`hy-badge hy-badge--${tone} hy-badge--label ${className}`}>{text}</Text>;
  if (count && count > 0)
    return (
      <Text className={`hy-badge hy-badge--${tone} ${className}`} data-testid="badge-count">
        {count > 99 ? '99+' : count}
      </Text>
    );
  if (dot) return <Text className={`hy-badge hy-badge--${tone} hy-badge--dot ${className}`} data-testid="badge-dot" />;
  return null;
}
