import type { UserConfigExport } from '@tarojs/cli';

/** `NODE_ENV=development taro build --watch`: readable output, build stats on. */
export default {
  logger: { quiet: false, stats: true },
  mini: {},
  h5: {},
} satisfies UserConfigExport<'webpack5'>;
