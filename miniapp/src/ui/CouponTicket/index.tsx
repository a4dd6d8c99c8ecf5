import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import './index.scss';

export interface CouponTicketProps {
  /** The big figure on the stub: "¥20", "免费", "100". */
  value: string;
  /** Under the figure: "积分兑换", "兑换券". */
  valueLabel?: string;
  title: string;
  description?: ReactNode;
  /** Right-bottom action or status. */
  action?: ReactNode;
  /** used / expired tickets are greyed out with a stamp. */
  muted?: boolean;
  stamp?: string;
  onClick?: () => void;
  testId?: string;
}

/** A coupon as a paper ticket: a coloured stub, a dashed tear line with notches, and the body. */
export default function CouponTicket({
  value,
  valueLabel,
  title,
  description,
  action,
  muted,
  stamp,
  onClick,
  testId,
}: CouponTicketProps) {
  return (
    <View className={`hy-ticket${muted ? ' is-muted' : ''}`} onClick={onClick} data-testid={testId}>
      <View className="hy-ticket__stub">
        <Text className="hy-ticket__value">{value}</Text>
        {valueLabel && <Text className="hy-ticket__value-label">{valueLabel}</Text>}
      </View>
      <View className="hy-ticket__tear" />
      <View className="hy-ticket__body">
        <Text className="hy-ticket__title">{title}</Text>
        {description && <View className="hy-ticket__desc">{description}</View>}
        {action && <View className="hy-ticket__action">{action}</View>}
      </View>
      {stamp && <Text className="hy-ticket__stamp">{stamp}</Text>}
    </View>
  );
}
