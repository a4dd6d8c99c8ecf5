import { useMemo } from 'react';
import { Text, View } from '@tarojs/components';
import { qrMatrix, toRuns } from './qr';
import { code128Widths } from './code128';
import './index.scss';

export interface MemberCodeProps {
  /** The code to encode; digits for the member code (others: QR only). */
  code: string;
  /** Show the Code 128 bars under the QR (needs a digits-only code). */
  barcode?: boolean;
  /** Print the code under the QR (member codes: yes; links on a poster: no). */
  showText?: boolean;
  /** Dim the code while a fresh one is being fetched, so staff don't scan a stale one. */
  stale?: boolean;
}

/** 1234567890123 -> "1234 5678 9012 3": readable aloud when the scanner fails. */
export const groupDigits = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * QR (+ barcode) drawn as flex runs of Views: no Canvas, so the same markup
 * renders in WeChat, in the browser and in jsdom, and a re-render on every
 * code rotation is a cheap diff. Quiet zones are padding in index.scss.
 */
export default function MemberCode({ code, barcode = true, stale = false, showText = true }: MemberCodeProps) {
  const rows = useMemo(() => qrMatrix(code).map(toRuns), [code]);
  const bars = useMemo(() => (barcode && /^[0-9]+$/.test(code) ? code128Widths(code) : null), [code, barcode]);

  return (
    <View className={`member-code${stale ? ' member-code--stale' : ''}`}>
      {bars && (
        <View className="member-code__bar" data-testid="member-code-bar" data-modules={bars.reduce((a, b) => a + b, 0)}>
          {bars.map((w, i) => (
            <View key={i} className={i % 2 === 0 ? 'mc-dark' : 'mc-light'} style={{ flex: `${w} ${w} 0%` }} />
          ))}
        </View>
      )}
      <View className="member-code__qr" data-testid="member-code-qr" data-size={rows.length}>
        {rows.map((runs, r) => (
          <View key={r} className="member-code__row" data-testid="member-code-row">
            {runs.map((len, i) =>
              len === 0 ? null : (
                <View
                  key={i}
                  className={i % 2 === 1 ? 'mc-dark' : 'mc-light'}
                  data-run={len}
                  style={{ flex: `${len} ${len} 0%` }}
                />
              ),
            )}
          </View>
        ))}
      </View>
      {showText && (
        <Text className="member-code__digits" data-testid="member-code-digits">
          {groupDigits(code)}
        </Text>
      )}
    </View>
  );
}
