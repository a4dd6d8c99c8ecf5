import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, View } from '@tarojs/components';
import './index.scss';

export interface ScanInputProps {
  placeholder: string;
  /** Called with the scanned or typed code, trimmed; spaces inside are dropped. */
  onCode: (code: string) => void;
  disabled?: boolean;
  /** Only these characters survive manual entry (member codes are digits). */
  allowed?: RegExp;
}

/** "1234 5678 9012" as read out by the member -> "123456789012". */
export const normaliseCode = (raw: string) => raw.replace(/\s+/g, '').trim();

/**
 * Scan with the camera (Taro.scanCode), or type the code when the camera is
 * unavailable (H5, broken camera, a screen the scanner cannot read).
 */
export default function ScanInput({ placeholder, onCode, disabled, allowed }: ScanInputProps) {
  const [manual, setManual] = useState('');
  const canScan = process.env.TARO_ENV !== 'h5';

  const scan = async () => {
    try {
      const r = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] });
      const code = normaliseCode(r.result ?? '');
      if (code) onCode(code);
    } catch {
      // Cancelled or no camera: the manual field is right there.
    }
  };

  const submit = () => {
    const code = normaliseCode(manual);
    if (!code || (allowed && !allowed.test(code))) {
      void Taro.showToast({ title: '请输入正确的码', icon: 'none' });
      return;
    }
    onCode(code);
  };

  return (
    <View className="scan-input">
      {canScan && (
        <Button className="btn-primary scan-input__scan" disabled={disabled} onClick={scan} data-testid="scan-button">
          扫码
        </Button>
      )}
      <View className="scan-input__manual">
        <Input
          className="input scan-input__field"
          type="text"
          placeholder={placeholder}
          value={manual}
          disabled={disabled}
          onInput={(e) => setManual(e.detail.value)}
          onConfirm={submit}
          data-testid="scan-manual"
        />
        <Button className="scan-input__ok" size="mini" disabled={disabled} onClick={submit} data-testid="scan-submit">
          确定
        </Button>
      </View>
    </View>
  );
}
