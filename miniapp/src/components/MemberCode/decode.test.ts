/**
 * Independent check of the encoders: draw the QR matrix and the Code 128 widths
 * into PNGs and decode them with zbar (`apt-get install zbar-tools`). Skipped
 * where zbarimg is not installed; the structural tests in index.test.tsx still run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grayPng } from '../../../test/png';
import { qrMatrix } from './qr';
import { code128Widths } from './code128';

const hasZbar = (() => {
  try {
    execFileSync('zbarimg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const maybe = hasZbar ? describe : describe.skip;

maybe('decoded by zbarimg', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hy-code-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const decode = (png: Buffer) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.png`);
    writeFileSync(file, png);
    return execFileSync('zbarimg', ['--quiet', '--raw', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  };

  it.each(['10000000071234567890', '12345678', '9876543210123456789012345'])('QR %s', (code) => {
    const m = qrMatrix(code);
    const scale = 8;
    const quiet = 4;
    const size = (m.length + 2 * quiet) * scale;
    const png = grayPng(size, size, (x, y) => {
      const r = Math.floor(y / scale) - quiet;
      const c = Math.floor(x / scale) - quiet;
      return r >= 0 && c >= 0 && r < m.length && c < m.length && m[r][c];
    });
    expect(decode(png)).toBe(code);
  });

  it.each(['10000000071234567890', '1234567', '00000000'])('Code 128 %s', (code) => {
    const widths = code128Widths(code);
    const modules: boolean[] = [];
    widths.forEach((w, i) => {
      for (let k = 0; k < w; k++) modules.push(i % 2 === 0);
    });
    const scale = 3;
    const quiet = 12;
    const png = grayPng((modules.length + 2 * quiet) * scale, 80, (x) => {
      const m = Math.floor(x / scale) - quiet;
      return m >= 0 && m < modules.length && modules[m];
    });
    expect(decode(png)).toBe(code);
  });
});
