import type { UserConfigExport } from '@tarojs/cli';

/** Default for `taro build`: minified; the main package must stay under WeChat's 2 MB. */
export default {
  mini: {},
  h5: {},
} satisfies UserConfigExport<'webpack5'>;
