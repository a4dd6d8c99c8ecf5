#!/usr/bin/env node
/**
 * Draws the tab-bar icons (src/assets/tab/<name>.png and <name>-active.png,
 * 81x81, transparent) from the SVGs below by rendering them in headless
 * Chromium, so they are anti-aliased like any vector icon. WeChat wants PNGs
 * of at most 40 KB; 81x81 is its recommended size.
 *
 *   npm run icons -w @huiyuan/miniapp        (CHROMIUM_PATH overrides /usr/bin/chromium)
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const SIZE = 81;
const COLORS = { idle: '#8a8a99', active: '#c8a063' };
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'assets', 'tab');

// 24x24 line icons, 1.8 wide; the active state fills a soft tint behind the strokes.
const ICONS = {
  // The membership card: a card with a chip and a stripe.
  card: (c, active) => `
    <rect x="2.5" y="5" width="19" height="14" rx="2.6" fill="${active ? c : 'none'}" fill-opacity="0.18"/>
    <rect x="2.5" y="5" width="19" height="14" rx="2.6"/>
    <path d="M2.5 9.5h19"/>
    <rect x="5.5" y="12.5" width="4.5" height="3.2" rx="0.8"/>
    <path d="M13 14.1h5"/>`,
  // Points: a coin with a star.
  points: (c, active) => `
    <circle cx="12" cy="12" r="9.2" fill="${active ? c : 'none'}" fill-opacity="0.18"/>
    <circle cx="12" cy="12" r="9.2"/>
    <path d="M12 6.9l1.55 3.15 3.45.5-2.5 2.44.6 3.44L12 14.8l-3.1 1.63.6-3.44L7 10.55l3.45-.5z" stroke-width="1.5"/>`,
  // Benefits: a gift box with a bow.
  benefits: (c, active) => `
    <rect x="3.5" y="10" width="17" height="10.5" rx="1.6" fill="${active ? c : 'none'}" fill-opacity="0.18"/>
    <rect x="2.5" y="7" width="19" height="3.6" rx="1.2"/>
    <path d="M3.8 10.6v8.4a1.5 1.5 0 0 0 1.5 1.5h13.4a1.5 1.5 0 0 0 1.5-1.5v-8.4"/>
    <path d="M12 7v13.5"/>
    <path d="M12 7c-1.3-2.9-5.2-3.9-5.7-1.7C5.9 7 9.5 7 12 7zM12 7c1.3-2.9 5.2-3.9 5.7-1.7C18.1 7 14.5 7 12 7z"/>`,
  // Me: a head and shoulders.
  profile: (c, active) => `
    <circle cx="12" cy="8.2" r="4.2" fill="${active ? c : 'none'}" fill-opacity="0.18"/>
    <circle cx="12" cy="8.2" r="4.2"/>
    <path d="M3.8 20.5c.9-4.1 4.2-6.6 8.2-6.6s7.3 2.5 8.2 6.6" fill="${active ? c : 'none'}" fill-opacity="0.18"/>
    <path d="M3.8 20.5c.9-4.1 4.2-6.6 8.2-6.6s7.3 2.5 8.2 6.6"/>`,
};

const svg = (body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 24 24" fill="none" ` +
  `stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

async function main() {
  mkdirSync(out, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'tab-icons-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: SIZE, height: SIZE },
    deviceScaleFactor: 1,
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    for (const [name, draw] of Object.entries(ICONS)) {
      for (const [state, color] of Object.entries(COLORS)) {
        const body = draw(color, state === 'active');
        await page.setContent(
          `<html><body style="margin:0;background:transparent">` +
            `<div id="i" style="width:${SIZE}px;height:${SIZE}px;color:${color}">${svg(body)}</div></body></html>`,
        );
        const png = await page.locator('#i').screenshot({ omitBackground: true, type: 'png' });
        const file = join(out, state === 'active' ? `${name}-active.png` : `${name}.png`);
        writeFileSync(file, png);
        const kb = statSync(file).size / 1024;
        if (kb > 40) throw new Error(`${file} is ${kb.toFixed(1)} KB, over WeChat's 40 KB`);
        console.log(`${file.slice(out.length + 1).padEnd(20)} ${kb.toFixed(1)} KB`);
      }
    }
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
