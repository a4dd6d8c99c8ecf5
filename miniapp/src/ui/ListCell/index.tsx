import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import './index.scss';

export interface ListCellProps {
  title: ReactNode;
  description?: ReactNode;
  /** Right side before the arrow: a value, a badge. */
  value?: ReactNode;
  icon?: string;
  arrow?: boolean;
  onClick?: () => void;
  testId?: string;
  className?: string;
}

/** A tappable row: icon, title (+ description), value, arrow. Rows inside a Card separate with a hairline. */
export default function ListCell({
  title,
  description,
  value,
  icon,
  arrow,
  onClick,
  testId,
  className = '',
}: ListCellProps) {
  return (
    <View className={`hy-cell ${className}`} onClick={onClick} data-testid={testId}>
      {icon && <Text className="hy-cell__icon">{icon}</Text>}
      <View className="hy-cell__main">
        <Text className="hy-cell__title">{title}</Text>
        {description && <Text className="hy-cell__desc">{description}</Text>}
      </View>
      {value !== undefined && <View className="hy-cell__value">{value}</View>}
      {(arrow ?? !!onClick) && <Text className="hy-cell__arrow">›</Text>}
    </View>
  );
}
