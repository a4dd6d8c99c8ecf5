// ESLint (flat config): typescript-eslint's recommended rules, and the layering of
// the server as a rule, so an import that points up a layer fails `npm run lint`.
// Formatting is Prettier's job (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const S = 'server/src';
// Route files are the web edge of their module: they may import http/.
const ROUTE_FILES = [`${S}/modules/**/routes.ts`, `${S}/modules/**/*-routes.ts`, `${S}/jobs/routes.ts`];
// The composition roots: they wire everything and nothing imports them.
const ROOTS = [`${S}/compose.ts`, `${S}/jobs/schedule.ts`, `${S}/server.ts`, `${S}/main.ts`, `${S}/index.ts`];
const HTTP = [`${S}/http/**`, ...ROUTE_FILES];
const MODULES = [`${S}/modules/**`, `${S}/jobs/!(runner|store|routes|schedule).ts`];
const RUNNER = [`${S}/jobs/runner.ts`, `${S}/jobs/store.ts`];

/**
 * Layers, lowest first; each may import only from itself and the layers before it:
 * shared <- core <- db <- jobs runner <- modules <- http and route files <- roots.
 */
const layers = [
  { name: 'shared', files: ['shared/src/**'] },
  { name: 'server/src/core', files: [`${S}/core/**`] },
  { name: 'server/src/db', files: [`${S}/db/**`] },
  { name: 'the jobs runner', files: RUNNER },
  { name: 'modules', files: MODULES, ignores: ROUTE_FILES },
  { name: 'http and route files', files: HTTP },
];
const above = (i) => layers.slice(i + 1).flatMap((l) => l.files);
const higher = (i) => [...above(i), ...ROOTS];
// The rule takes either globs or plain paths in one zone, not both.
const isGlob = (p) => /[*?{}()!]/.test(p);
const zones = (target, from, message) =>
  [from.filter(isGlob), from.filter((p) => !isGlob(p))]
    .filter((f) => f.length)
    .map((f) => ({ target, from: f, message }));

const layerRules = layers.map((layer, i) => ({
  files: layer.files.map((f) => (f.endsWith('**') ? `${f}/*.{ts,tsx}` : f)),
  ...(layer.ignores ? { ignores: layer.ignores } : {}),
  rules: {
    'import-x/no-restricted-paths': [
      'error',
      {
        zones: [
          ...zones(
            layer.files,
            higher(i),
            `${layer.name} is a lower layer: it must not import from a higher one (see eslint.config.mjs).`,
          ),
          // shared is used by the mini-program too: nothing from the server, the scripts or the app.
          ...(layer.name === 'shared'
            ? zones(
                layer.files,
                ['server/**', 'miniapp/**', 'scripts/**'],
                'shared imports nothing from server, miniapp or scripts.',
              )
            : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-h5/**',
      '**/coverage/**',
      '**/.artifacts/**',
      '**/bench-results/**',
      'server/console/dist/**',
      'miniapp/config/**',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  {
    // Node scripts and build files written as plain ES modules.
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: [
      'shared/**/*.{ts,tsx}',
      'server/**/*.{ts,tsx}',
      'scripts/**/*.{ts,tsx}',
      'miniapp/src/**/*.{ts,tsx}',
      'miniapp/test/**/*.{ts,tsx}',
    ],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })],
    },
    rules: {
      // TypeScript checks these better than ESLint can.
      'no-undef': 'off',
      'no-redeclare': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `!` after a Map lookup the code has just filled is a deliberate, readable idiom here.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The mini-program and the console are React: the rules of hooks (not the React Compiler set).
    files: ['miniapp/src/**/*.{ts,tsx}', 'miniapp/test/**/*.{ts,tsx}', 'server/console/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // Tests (and the simulation's HTTP driver) poke at untyped JSON and mocks; `any` there costs nothing at run time.
    files: ['**/*.test.{ts,tsx}', 'server/test/**', 'miniapp/test/**', 'scripts/e2e/**', 'scripts/sim/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The console predates the linter; its `any`s are to be typed from shared's endpoint table.
    files: ['server/console/src/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'warn' },
  },
  {
    // shared is imported by the mini-program: no server or app package either.
    files: ['shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@huiyuan/server*', '@huiyuan/miniapp*'],
              message: 'shared imports nothing from server or miniapp.',
            },
          ],
        },
      ],
    },
  },
  {
    // Dialect differences live in db/dialect.ts only: stores splice its fragments in.
    files: [`${S}/**/*.ts`],
    ignores: [`${S}/db/**`],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression > MemberExpression[property.name='dialect']",
          message: 'Branch on the dialect only in server/src/db/dialect.ts: use (or add) a helper there.',
        },
      ],
    },
  },
  ...layerRules,
  {
    // Modules never import http/ (their route files do; they are the web edge).
    files: [`${S}/modules/**/*.ts`, `${S}/jobs/*.ts`],
    ignores: [...ROUTE_FILES, `${S}/jobs/schedule.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/http/*', '**/http'], message: 'Modules never import http/: only route files do.' }],
        },
      ],
    },
  },
);
