// Used by the Taro build only (webpack5). Jest passes its own inline babel
// options (see jest.config.js), so tests never depend on babel-preset-taro.

/**
 * `0n`-style BigInt literals cannot be lowered by Babel, and on engines without
 * BigInt (WeChat on iOS < 14) they are a SyntaxError that kills the whole
 * bundle. As `BigInt("0")` calls they fail only when run, where the app can
 * catch it (the member code then falls back to the server's code).
 */
function bigintLiteralsToCalls({ types: t }) {
  return {
    name: 'bigint-literals-to-calls',
    visitor: {
      BigIntLiteral(path) {
        path.replaceWith(t.callExpression(t.identifier('BigInt'), [t.stringLiteral(path.node.value)]));
      },
    },
  };
}

module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
  plugins: [bigintLiteralsToCalls],
};
