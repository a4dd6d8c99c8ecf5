import type { ReactNode } from 'react';
import { View } from '@tarojs/components';
import { brandStyle } from '../brand';
import { useBrand } from '../useBrand';
import './index.scss';

/** Every member page's root: the brand colours as CSS variables, the page background and padding. */
export default function Page({ className = '', children }: { className?: string; children?: ReactNode }) {
  const brand = useBrand();
  return (
    <View className={`page hy-page ${className}`} style={brandStyle(brand)}>
      {children}
    </View>
  );
}
