/** One jest run for the whole repo: each workspace is a project. */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
const shared = {
  '^@huiyuan/shared$': '<rootDir>/../shared/src/index.ts',
  '^@huiyuan/server$': '<rootDir>/../server/src/index.ts',
};

module.exports = {
  // Per-project testTimeout is ignored by jest 30: set it for the whole run.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'shared',
      rootDir: 'shared',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      testMatch: ['<rootDir>/src/**/*.test.ts'],
    },
    {
      displayName: 'server',
      rootDir: 'server',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper: shared,
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
      testTimeout: 60000,
    },
    {
      displayName: 'scripts',
      rootDir: 'scripts',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper: shared,
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: ['/dist/', '/node_modules/'],
      testTimeout: 120000,
    },
    ...(require('fs').existsSync(__dirname + '/miniapp/jest.config.js') ? ['<rootDir>/miniapp/jest.config.js'] : []),
  ],
};
