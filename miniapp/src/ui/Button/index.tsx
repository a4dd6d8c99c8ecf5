import type { ReactNode } from 'react';
import { Button as TaroButton } from '@tarojs/components';
import './index.scss';

export interface ButtonProps {
  variant?: 'primary' | 'accent' | 'secondary' | 'ghost' | 'danger';
  size?: 'md' | 'sm' | 'lg';
  block?: boolean;
  disabled?: boolean;
  loading?: boolean;
  className?: string;
  testId?: string;
  onClick?: () => void;
  children?: ReactNode;
}

/**
 * The one button. Disabled looks disabled on every build: the class does the
 * styling (the browser build ignores the native look), and `disabled`/`loading`
 * are passed only when true because the browser build reads disabled="false" as
 * disabled. A tap on a disabled or loading button does nothing.
 */
export default function Button({
  variant = 'primary',
  size = 'md',
  block,
  disabled,
  loading,
  className = '',
  testId,
  onClick,
  children,
}: ButtonProps) {
  const off = !!disabled || !!loading;
  const cls = `hy-btn hy-btn--${variant} hy-btn--${size}${block ? ' hy-btn--block' : ''}${disabled ? ' is-disabled' : ''}${loading ? ' is-loading' : ''} ${className}`;
  return (
    <TaroButton
      className={cls}
      disabled={disabled || undefined}
      loading={loading || undefined}
      data-testid={testId}
      aria-disabled={off || undefined}
      onClick={() => {
        if (!off) onClick?.();
      }}
    >
      {children}
    </TaroButton>
  );
}
