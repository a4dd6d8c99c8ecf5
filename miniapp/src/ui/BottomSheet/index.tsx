import { useEffect, useRef, type ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import Button from '../Button';
import { createTapGuard, SHEET_GUARD_MS } from './guard';
import './index.scss';

export interface BottomSheetProps {
  open: boolean;
  title: string;
  onClose: () => void;
  /** With onConfirm: a confirm button at the bottom of the sheet, far from the card button that opened it. */
  onConfirm?: () => void;
  confirmText?: string;
  cancelText?: string;
  confirmDisabled?: boolean;
  confirmLoading?: boolean;
  /** Taps on the sheet's buttons are ignored this long after it opens. */
  guardMs?: number;
  testId?: string;
  children?: ReactNode;
}

/**
 * A confirm sheet rising from the bottom. Its confirm button is placed where
 * the opening tap was not (the mall's buttons sit higher up on cards) and
 * ignores taps for SHEET_GUARD_MS after opening, so a double tap that opened
 * it cannot also confirm it.
 */
export default function BottomSheet({
  open,
  title,
  onClose,
  onConfirm,
  confirmText = '确认',
  cancelText = '再想想',
  confirmDisabled,
  confirmLoading,
  guardMs = SHEET_GUARD_MS,
  testId,
  children,
}: BottomSheetProps) {
  const guard = useRef(createTapGuard(guardMs));
  useEffect(() => {
    guard.current = createTapGuard(guardMs);
    if (open) guard.current.arm();
  }, [open, guardMs]);

  if (!open) return null;
  const guarded = (fn?: () => void) => () => {
    if (guard.current.allows()) fn?.();
  };
  return (
    <View className="hy-sheet" data-testid={testId}>
      <View className="hy-sheet__mask" onClick={guarded(confirmLoading ? undefined : onClose)} />
      <View className="hy-sheet__panel">
        <View className="hy-sheet__grip" />
        <Text className="hy-sheet__title">{title}</Text>
        <View className="hy-sheet__body">{children}</View>
        {onConfirm && (
          <View className="hy-sheet__actions">
            <Button
              variant="ghost"
              className="hy-sheet__cancel"
              disabled={confirmLoading}
              onClick={guarded(onClose)}
              testId="sheet-cancel"
            >
              {cancelText}
            </Button>
            <Button
              variant="accent"
              className="hy-sheet__confirm"
              disabled={confirmDisabled}
              loading={confirmLoading}
              onClick={guarded(onConfirm)}
              testId="sheet-confirm"
            >
              {confirmText}
            </Button>
          </View>
        )}
      </View>
    </View>
  );
}
