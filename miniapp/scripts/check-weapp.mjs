#!/usr/bin/env node
/**
 * Checks a weapp build (default: miniapp/dist) the way WeChat's uploader would
 * refuse it: every page listed in app.json (main package and sub-packages) has
 * its .js/.json/.wxml, tab pages are in the main package, and the main package
 * and each sub-package are under 2 MB (total under 20 MB).
 *
 *   node scripts/check-weapp.mjs [distDir]      (after npm run build:weapp)
 *
 * Prints a size summary; exits 1 with the reasons when a rule is broken.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MB = 1024 * 1024;
export const LIMITS = { mainPackage: 2 * MB, subPackage: 2 * MB, total: 20 * MB };

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) out.push(...walk(p));
    else out.push({ path: p, size: s.size });
  }
  return out;
}

export function checkWeapp(distDir) {
  const errors = [];
  const appJsonPath = join(distDir, 'app.json');
  if (!existsSync(appJsonPath))
    return { errors: [`${appJsonPath} not found: run npm run build:weapp first`], sizes: null };
  const app = JSON.parse(readFileSync(appJsonPath, 'utf8'));
  const subs = app.subPackages ?? app.subpackages ?? [];

  const pages = [...(app.pages ?? []).map((p) => ({ page: p, pkg: 'main' }))];
  for (const sp of subs)
    for (const p of sp.pages ?? []) pages.push({ page: `${sp.root.replace(/\/$/, '')}/${p}`, pkg: sp.root });
  if (!app.pages?.length) errors.push('app.json lists no pages');
  for (const { page } of pages) {
    for (const ext of ['.js', '.json', '.wxml']) {
      if (!existsSync(join(distDir, page + ext))) errors.push(`missing ${page}${ext}`);
    }
  }
  for (const tab of app.tabBar?.list ?? []) {
    if (!(app.pages ?? []).includes(tab.pagePath)) errors.push(`tab page ${tab.pagePath} must be in the main package`);
  }

  const roots = subs.map((sp) => sp.root.replace(/\/$/, ''));
  const sizes = { main: 0, total: 0, sub: Object.fromEntries(roots.map((r) => [r, 0])) };
  for (const f of walk(distDir)) {
    const rel = relative(distDir, f.path).split(sep).join('/');
    if (rel.endsWith('.map') || rel.endsWith('.LICENSE.txt')) continue; // not uploaded
    sizes.total += f.size;
    const root = roots.find((r) => rel === r || rel.startsWith(`${r}/`));
    if (root) sizes.sub[root] += f.size;
    else sizes.main += f.size;
  }
  if (sizes.main >= LIMITS.mainPackage) errors.push(`main package is ${kb(sizes.main)}, over the 2 MB limit`);
  for (const [r, s] of Object.entries(sizes.sub))
    if (s >= LIMITS.subPackage) errors.push(`sub-package ${r} is ${kb(s)}, over the 2 MB limit`);
  if (sizes.total >= LIMITS.total) errors.push(`total is ${kb(sizes.total)}, over the 20 MB limit`);
  return { errors, sizes, pages: pages.length };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = dirname(fileURLToPath(import.meta.url));
  const dist = resolve(process.argv[2] ?? join(here, '..', 'dist'));
  const { errors, sizes, pages } = checkWeapp(dist);
  if (sizes) {
    console.log(`weapp build ${dist}: ${pages} pages`);
    console.log(`  main package  ${kb(sizes.main)} (limit 2048 KB)`);
    for (const [r, s] of Object.entries(sizes.sub)) console.log(`  ${r.padEnd(13)} ${kb(s)}`);
    console.log(`  total         ${kb(sizes.total)}`);
  }
  if (errors.length) {
    for (const e of errors) console.error(`FAIL ${e}`);
    process.exit(1);
  }
  console.log('OK');
}
