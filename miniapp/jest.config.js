/**
 * Jest project for the mini-program: jsdom + babel-jest + @testing-library/react.
 * Works from this folder (`npm test`) and from the root as a project
 * (`npx jest --selectProjects miniapp`), hence rootDir and absolute requires.
 * Babel options are inline so tests do not depend on babel-preset-taro.
 */
const path = require('path');

const babel = [
  require.resolve('babel-jest'),
  {
    configFile: false,
    babelrc: false,
    presets: [
      [require.resolve('@babel/preset-env'), { targets: { node: 'current' } }],
      [require.resolve('@babel/preset-react'), { runtime: 'automatic' }],
      require.resolve('@babel/preset-typescript'),
    ],
  },
];

module.exports = {
  displayName: 'miniapp',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}', '<rootDir>/test/**/*.test.{ts,tsx}'],
  transform: { '^.+\\.(t|j)sx?$': babel, '^.+\\.mjs$': babel },
  // Taro's component library and a few of its dependencies ship untranspiled ESM.
  transformIgnorePatterns: ['/node_modules/(?!(@tarojs|@stencil|swiper|ssr-window|dom7|@noble)/)'],
  moduleNameMapper: {
    '^@tarojs/components$': '@tarojs/components/lib/react',
    '^@tarojs/taro$': '<rootDir>/test/taro-mock.ts',
    '\\.(css|scss|sass|less)$': 'identity-obj-proxy',
    'tslib/tslib\\.es6\\.js$': 'tslib',
    '^@huiyuan/shared$': path.join(__dirname, '../shared/src/index.ts'),
    '^@huiyuan/shared/src/(.*)$': path.join(__dirname, '../shared/src/$1'),
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  globals: {
    API_BASE: '',
    ENABLE_INNER_HTML: true,
    ENABLE_ADJACENT_HTML: true,
    ENABLE_SIZE_APIS: true,
    ENABLE_TEMPLATE_CONTENT: true,
    ENABLE_MUTATION_OBSERVER: true,
    ENABLE_CLONE_NODE: true,
    ENABLE_CONTAINS: true,
    DEPRECATED_ADAPTER_COMPONENT: false,
    __TARO_FRAMEWORK__: 'react',
  },
};
