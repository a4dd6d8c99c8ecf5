import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import './index.scss';

export interface CardProps {
  title?: string;
  /** Right side of the title row (a link, a count). */
  extra?: ReactNode;
  onExtraClick?: () => void;
  className?: string;
  onClick?: () => void;
  testId?: string;
  children?: ReactNode;
}

/** A white surface with an optional title row: the unit every page is built from. */
export default function Card({ title, extra, onExtraClick, className = '', onClick, testId, children }: CardProps) {
  return (
    <View className={`hy-card ${className}`} onClick={onClick} data-testid={testId}>
      {(title || extra) && (
        <View className="hy-card__head">
          {title && <Text className="hy-card__title">{title}</Text>}
          {extra && (
            <View className="hy-card__extra" onClick={onExtraClick}>
              {extra}
            </View>
          )}
        </View>
      )}
      {children}
    </View>
  );
}
