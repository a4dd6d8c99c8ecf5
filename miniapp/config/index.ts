import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';
import { decideApiBase } from './release';

/**
 * Taro 4 / webpack5 build for the WeChat mini-program (dist/) and the browser
 * (dist-h5/, served by the server next to the API, hence the same-origin default).
 */
export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  // TARO_APP_* come from the environment or miniapp/.env[.mode] files (loaded by Taro before this runs).
  const api = decideApiBase({ platform: process.env.TARO_ENV, mode, apiBase: process.env.TARO_APP_API_BASE });
  if (!api.ok) {
    // One line, no stack: the build stops before anything is written.
    console.error(`Release build refused: ${api.error}`);
    process.exit(1);
  }

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
      // server serves both). WeChat has no origin: see config/release.ts.
      API_BASE: JSON.stringify(api.apiBase),
    },
    copy: {
      patterns: process.env.TARO_ENV === 'weapp' ? [{ from: 'src/sitemap.json', to: 'dist/sitemap.json' }] : [],
      options: {},
    },
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
