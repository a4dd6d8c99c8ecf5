import type { ReactNode } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { useTapGuard } from './tapGuard';
import './ConfirmSheet.scss';

export interface ConfirmSheetProps {
  open: boolean;
  title: string;
  onConfirm: () => void;
  onClose: () => void;
  confirmText: string;
  busy?: boolean;
  testId?: string;
  children?: ReactNode;
}

/**
 * A confirm sheet for the counter: it rises from the bottom, so its confirm button
 * sits far from the form button that opened it, and its buttons ignore taps for
 * TAP_GUARD_MS after it opens, so a double tap that opened it cannot confirm it.
 */
export default function ConfirmSheet({
  open,
  title,
  onConfirm,
  onClose,
  confirmText,
  busy,
  testId,
  children,
}: ConfirmSheetProps) {
  const guarded = useTapGuard(open);
  if (!open) return null;
  return (
    <View className="staff-sheet" data-testid={testId}>
      <View className="staff-sheet__mask" onClick={guarded(() => !busy && onClose())} />
      <View className="staff-sheet__panel">
        <Text className="staff-sheet__title">{title}</Text>
        <View className="staff-sheet__body">{children}</View>
        <View className="staff-sheet__actions">
          <Button
            className="staff-sheet__cancel"
            disabled={busy || undefined}
            onClick={guarded(onClose)}
            data-testid="sheet-cancel"
          >
            取消
          </Button>
          <Button
            className="btn-primary staff-sheet__confirm"
            loading={busy || undefined}
            disabled={busy || undefined}
            onClick={guarded(onConfirm)}
            data-testid="sheet-confirm"
          >
            {confirmText}
          </Button>
        </View>
      </View>
    </View>
  );
}
