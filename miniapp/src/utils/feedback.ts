import Taro from '@tarojs/taro';
import { errorText } from '../api/errors';

/** A toast with the error's Chinese message; long messages need the 'none' icon to show in full. */
export function toastError(e: unknown): void {
  void Taro.showToast({ title: errorText(e), icon: 'none', duration: 2500 });
}

export function toastOk(title: string): void {
  void Taro.showToast({ title, icon: 'success' });
}

/** A plain message toast (the success icon cuts text after 7 characters). */
export function toastInfo(title: string): void {
  void Taro.showToast({ title, icon: 'none', duration: 2500 });
}

/** Resolves true when the user confirms. */
export async function confirm(title: string, content: string): Promise<boolean> {
  const r = await Taro.showModal({ title, content, confirmText: '确定', cancelText: '取消' });
  return !!r.confirm;
}

export const isH5 = () => process.env.TARO_ENV === 'h5';
