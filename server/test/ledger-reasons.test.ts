import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { hasLedgerLabel } from '@huiyuan/shared';

/**
 * Every reason code the server writes to a ledger has a member-facing label in
 * shared (the mini-program's points history shows it). The codes are found in
 * the source, not listed by hand: string literals given to a `reason` property
 * (both arms of a conditional too), and string literals passed as the `reason`
 * parameter of a ledger-writing helper declared in the same file (as referrals' `credit`).
 */
const SRC = path.join(__dirname, '../src');
const CODE = /^[a-z][a-z0-9_]{1,47}$/;
const LEDGER_CALL = /\b(creditIn|debitIn|reverseIn|creditBatchIn)\b/;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : files(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

function literals(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isConditionalExpression(node)) return [...literals(node.whenTrue), ...literals(node.whenFalse)];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literals(node.expression);
  return [];
}

function reasonCodes(file: string): { code: string; where: string }[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { code: string; where: string }[] = [];
  const at = (n: ts.Node) => `${path.relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  // Local helpers with a parameter named `reason`: name -> its position.
  const helpers = new Map<string, number>();
  const findHelpers = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isArrowFunction(n.initializer)) {
      const i = n.initializer.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === 'reason');
      // Only helpers that write to the ledger (an error helper may also take a `reason`).
      if (i >= 0 && LEDGER_CALL.test(n.initializer.body.getText(sf))) helpers.set(n.name.text, i);
    }
    ts.forEachChild(n, findHelpers);
  };
  findHelpers(sf);
  const visit = (n: ts.Node) => {
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'reason')
      for (const code of literals(n.initializer)) out.push({ code, where: at(n) });
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && helpers.has(n.expression.text)) {
      const arg = n.arguments[helpers.get(n.expression.text)!];
      if (arg) for (const code of literals(arg)) out.push({ code, where: at(n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  // Only codes: free-text reasons (log messages, error details) are not ledger reasons.
  return out.filter((r) => CODE.test(r.code));
}

test('every ledger reason the server writes has a label', () => {
  const found = files(SRC).flatMap(reasonCodes);
  const codes = new Set(found.map((f) => f.code));
  // The scan finds the well-known ones, so it is looking in the right places.
  for (const known of ['purchase', 'refund', 'checkin', 'redemption', 'manual_credit', 'referral_inviter'])
    expect(codes).toContain(known);
  const missing = found.filter((f) => !hasLedgerLabel(f.code)).map((f) => `${f.code} (${f.where})`);
  expect(missing).toEqual([]);
});

test('the scan catches a reason without a label', () => {
  const tmp = path.join(os.tmpdir(), `reason-probe-${process.pid}.ts`);
  fs.writeFileSync(
    tmp,
    'const credit = (m: number, reason: string) => ledger.creditIn(q, { m, reason });\n' +
      'const refuse = (reason: string) => new Error(reason);\n' +
      "credit(1, 'no_such_reason');\nrefuse('not_a_ledger_reason');\nexport const x = { reason: 'purchase' };\n",
  );
  try {
    const codes = reasonCodes(tmp).map((r) => r.code);
    expect(new Set(codes)).toEqual(new Set(['purchase', 'no_such_reason']));
    expect(codes.filter((c) => !hasLedgerLabel(c))).toEqual(['no_such_reason']);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
});
