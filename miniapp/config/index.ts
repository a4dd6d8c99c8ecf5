import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';

/**
 * Taro 4 / webpack5 build for the WeChat mini-program (dist/) and the browser
 * (dist-h5/, served by the server next to the API, hence the same-origin default).
 */
export default defineConfig<'webpack5'>(async (merge) => {
  // Code from the workspace (shared/src, for the member-code rule) and pure-ESM
  // dependencies must go through babel too: the mini build only transpiles src/
  // and Taro's own packages by default.
  const compileInclude = [
    path.resolve(__dirname, '../../shared/src'),
    (file: string) => /node_modules[\\/]@noble[\\/]/.test(file),
  ];

  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'huiyuan',
    date: '2024-11-24',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: process.env.TARO_ENV === 'h5' ? 'dist-h5' : 'dist',
    plugins: [],
    defineConstants: {
      // H5: empty, so requests go to the origin that served the build (the
      // server serves both). WeChat has no origin: the default is the local dev
      // server for DevTools (urlCheck off); release builds set
      // API_BASE=https://<api host>.
      API_BASE: JSON.stringify(process.env.API_BASE ?? (process.env.TARO_ENV === 'h5' ? '' : 'http://127.0.0.1:3000')),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: compileInclude },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: compileInclude },
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
  };

  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
