import { useEffect, useRef, useState, type ReactNode } from 'react';
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
 * The browser build draws its tab bar over the page: a sheet opened on a tab
 * page sits on top of it instead (WeChat's native tab bar is outside the page).
 */
function useTabBarLift(open: boolean): number {
  const [lift, setLift] = useState(0);
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5' || !open || typeof document === 'undefined') return;
    // The bar element itself is inline; its weui child carries the box.
    const bar =
      document.querySelector('.taro-tabbar__tabbar .weui-tabbar') ?? document.querySelector('.taro-tabbar__tabbar');
    const box = bar?.getBoundingClientRect();
    setLift(box && box.height > 0 ? Math.max(0, Math.round(window.innerHeight - box.top)) : 0);
  }, [open]);
  return lift;
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
  const lift = useTabBarLift(open);

  if (!open) return null;
  const guarded = (fn?: () => void) => () => {
    if (guard.current.allows()) fn?.();
  };
  return (
    <View className="hy-sheet" data-testid={testId}>
      <View className="hy-sheet__mask" onClick={guarded(confirmLoading ? undefined : onClose)} />
      <View className="hy-sheet__panel" style={lift ? { bottom: `${lift}px` } : undefined}>
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
