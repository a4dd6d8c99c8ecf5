#!/usr/bin/env node
// Table ownership check: every table's SQL lives in exactly one module (its owner),
// and no SQL sits in route files or http/. Reads every string literal of
// server/src (not migrations, not tests) with the TypeScript parser, finds the
// tables named after FROM / JOIN / INTO / UPDATE / TABLE, prints table -> modules,
// and exits 1 on a table named by two modules, by a module that is not its
// declared owner, or on SQL at the web edge.
// Usage: node scripts/check-owners.mjs [--quiet]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'server/src');
const quiet = process.argv.includes('--quiet');

/** The owner of each table (the module whose store is the only place it is named). */
const OWNERS = {
  'modules/members': ['members', 'closed_identities'],
  'modules/card': ['member_secrets', 'member_code_uses'],
  'modules/points': [
    'points_accounts',
    'points_entries',
    'points_lots',
    'points_allocations',
    'points_pending',
    'points_pending_entries',
  ],
  'modules/tiers': ['member_tiers', 'growth_entries'],
  'modules/checkout': ['orders', 'refunds'],
  'modules/staff': ['stores', 'staff_accounts'],
  'modules/audit': ['audit_log'],
  'modules/settings': ['app_config'],
  'modules/caps': ['daily_counters'],
  'modules/limits': ['rate_windows'],
  'modules/checkin': ['checkins', 'checkin_requests', 'makeup_cards', 'makeup_card_entries'],
  'modules/tasks': ['task_completions'],
  'modules/confirmations': ['lookup_requests'],
  'modules/benefits': ['benefits', 'benefit_member_counts', 'vouchers'],
  'modules/referrals': ['referral_codes', 'referrals', 'referral_milestones', 'referral_poster_codes'],
  'modules/notifications': ['outbox', 'inbox_messages', 'subscription_allowances', 'operator_messages'],
  'modules/wechat': ['wechat_tokens'],
  'modules/gifts': ['gift_rules', 'gift_grants'],
  'modules/payments': ['pay_orders', 'pay_order_events', 'pay_refunds'],
  'modules/insights': ['member_segments', 'churn_entries', 'alerts', 'insight_snapshots', 'insight_daily'],
  'modules/media': ['images'],
  'modules/membership': [
    'membership_plans',
    'member_subscriptions',
    'subscription_periods',
    'membership_purchases',
    'membership_refunds',
    'membership_bonus',
    'membership_caps',
  ],
  jobs: ['job_leases', 'job_runs'],
};
const ownerOf = new Map(Object.entries(OWNERS).flatMap(([m, tables]) => tables.map((t) => [t, m])));

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : walk(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Tables the migrations create: `table(q, 'name', ...)`. */
function migratedTables() {
  const dir = path.join(src, 'db/migrations');
  const text = fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  return new Set([...text.matchAll(/table\(\s*q,\s*'([a-z_]+)'/g)].map((m) => m[1]));
}

/** `modules/<m>`, `jobs`, `db`, `http`, `core`, or a top-level file name. */
function moduleOf(rel) {
  const parts = rel.split('/');
  return parts[0] === 'modules' ? `modules/${parts[1]}` : parts[0];
}

/** The web edge: http/ and route files. */
const isEdge = (rel) =>
  rel.startsWith('http/') || /^modules\/.+\/(routes|[\w-]+-routes)\.ts$/.test(rel) || rel === 'jobs/routes.ts';

/** Each string literal of a file, template expressions with `?` in place of their holes. */
function strings(file) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (node) => {
    let text;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = node.head.text + node.templateSpans.map((s) => ` ? ${s.literal.text}`).join('');
    if (text !== undefined && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent))
      out.push({ text, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    // A template expression's own parts are not strings of their own.
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
    else node.templateSpans.forEach((s) => visit(s.expression));
  };
  visit(sf);
  return out;
}

// SQL keywords are written in capitals in this codebase; English text rarely is.
const SQL_START = /^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH|CREATE|ALTER|DROP|TRUNCATE)\b/;
const TABLE_AFTER = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+`?([a-z_][a-z0-9_]*)`?/g;

const known = migratedTables();
const named = new Map(); // table -> Map(module -> [file:line])
const edgeSql = [];
const sqlFiles = new Set();
let sqlStrings = 0;
for (const file of walk(src)) {
  const rel = path.relative(src, file).split(path.sep).join('/');
  const mod = moduleOf(rel);
  for (const { text, line } of strings(file)) {
    const tables = [...text.matchAll(TABLE_AFTER)].map((m) => m[1]).filter((t) => known.has(t));
    if (!tables.length && !SQL_START.test(text)) continue;
    const where = `server/src/${rel}:${line}`;
    sqlStrings++;
    sqlFiles.add(rel);
    if (isEdge(rel)) edgeSql.push(`${where}  ${text.replace(/\s+/g, ' ').trim().slice(0, 90)}`);
    for (const t of tables) {
      if (!named.has(t)) named.set(t, new Map());
      const byModule = named.get(t);
      if (!byModule.has(mod)) byModule.set(mod, []);
      byModule.get(mod).push(where);
    }
  }
}

const problems = [];
const rows = [];
for (const t of [...known].sort()) {
  const byModule = named.get(t) ?? new Map();
  const mods = [...byModule.keys()].sort();
  const owner = ownerOf.get(t);
  let note = '';
  if (!owner) note = 'no declared owner';
  else if (mods.length > 1) note = `${mods.length} modules (owner: ${owner})`;
  else if (mods.length === 1 && mods[0] !== owner) note = `named outside its owner ${owner}`;
  rows.push(`${t.padEnd(26)} ${(mods.join(', ') || '-').padEnd(40)} ${note ? `<- ${note}` : ''}`.trimEnd());
  if (note) {
    problems.push(`${t}: ${note}`);
    for (const m of mods.filter((m) => m !== owner)) for (const w of byModule.get(m)) problems.push(`    ${m}: ${w}`);
  }
}

console.log(
  `table -> modules naming it in SQL (${sqlStrings} SQL strings in ${sqlFiles.size} files of server/src, without migrations and tests)\n`,
);
console.log(rows.join('\n'));
if (edgeSql.length) {
  problems.push(`SQL at the web edge (route files, http/): ${edgeSql.length}`);
  problems.push(...edgeSql.map((s) => `    ${s}`));
}
if (problems.length) {
  console.log(`\nFAIL: ${problems.filter((p) => !p.startsWith(' ')).length} problem(s)`);
  if (!quiet) console.log(problems.join('\n'));
  process.exit(1);
}
console.log('\nOK: every table is named by its owner only; no SQL at the web edge.');
