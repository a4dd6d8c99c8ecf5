/**
 * Boots the H5 build (miniapp/dist-h5) in headless Chromium against a stub API
 * on the same origin and checks that the card page logs in with the H5 dev
 * identity, calls the API and renders the card and a member code computed in
 * the browser by the shared TOTP rule. Runs only
 * when both the build and /usr/bin/chromium exist (CI installs chromium; run
 * `npm run build:h5 -w @huiyuan/miniapp` first). Builds nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

const dist = join(__dirname, '..', 'dist-h5');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const enabled = existsSync(join(dist, 'index.html')) && existsSync(chromium);

import { parseMemberCode, secretFromHex, verifyMemberCode } from '@huiyuan/shared/src/domain/member-code';

const SECRET = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const tier = { code: 'gold', name: '金卡会员', minGrowth: 1000, multiplierPercent: 150, benefits: [] };

function stubServer(seen: { method: string; path: string; body: string; auth?: string }[]) {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (url.pathname.startsWith('/api/'))
        seen.push({ method: req.method!, path: url.pathname, body, auth: req.headers.authorization });
      const now = Date.now();
      if (url.pathname === '/api/auth/login')
        return json(200, {
          token: 'tok-h5',
          expiresAt: new Date(now + 7 * 864e5).toISOString(),
          memberId: '7',
          isNew: true,
        });
      if (url.pathname === '/api/me/card') {
        if (req.headers.authorization !== 'Bearer tok-h5')
          return json(401, { code: 'UNAUTHENTICATED', message: 'Login required' });
        return json(200, {
          memberId: '7',
          maskedName: '张*',
          tier,
          balance: 2480,
          serverTime: new Date(now).toISOString(),
          code: {
            secretHex: SECRET,
            stepSeconds: 30,
            digits: 6,
            current: '10000000071234567890',
            expiresAt: new Date(now + 30_000).toISOString(),
          },
        });
      }
      if (url.pathname === '/api/me/tier')
        return json(200, {
          current: tier,
          since: '2024-01-01T00:00:00Z',
          growthInWindow: 2000,
          window: { months: 12, from: '2023-11-24T00:00:00Z' },
          next: null,
          keep: { minGrowth: 1000, needed: 0, atRisk: false, graceUntil: null },
          tiers: [tier],
          entries: [],
        });
      if (url.pathname.startsWith('/api/')) return json(404, { code: 'NOT_FOUND', message: 'stub' });
      const file = normalize(join(dist, url.pathname === '/' ? 'index.html' : url.pathname));
      if (!file.startsWith(dist) || !existsSync(file)) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
  });
}

(enabled ? it : it.skip)(
  'the H5 build renders the card page with a dev login against the same origin',
  async () => {
    const seen: { method: string; path: string; body: string; auth?: string }[] = [];
    const server = stubServer(seen);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const profile = mkdtempSync(join(tmpdir(), 'hy-chromium-'));
    try {
      const dom = await new Promise<string>((resolve, reject) => {
        execFile(
          chromium,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            `--user-data-dir=${profile}`,
            '--virtual-time-budget=8000',
            '--dump-dom',
            `http://127.0.0.1:${port}/#/pages/index/index?ref=INV42`,
          ],
          { timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        );
      });
      const login = seen.find((s) => s.path === '/api/auth/login');
      expect(login).toBeDefined();
      const { code, ref } = JSON.parse(login!.body);
      // H5 dev identity: the fake WeChat server maps the text before the last ':' to an openid.
      expect(code).toMatch(/^h5-[a-z0-9]+:\d+$/);
      expect(ref).toBe('INV42');
      expect(seen.some((s) => s.path === '/api/me/card' && s.auth === 'Bearer tok-h5')).toBe(true);
      expect(dom).toContain('金卡会员');
      expect(dom).toContain('2,480');
      // The code is computed in the browser by the shared TOTP rule and verifies as the server would.
      const shown = /(\d{4} \d{4} \d{4} \d{4})/.exec(dom)?.[1].replace(/ /g, '') ?? '';
      const parsed = parseMemberCode(shown);
      expect(parsed?.memberId).toBe('7');
      // --virtual-time-budget runs the page clock up to 8 s ahead of ours: verify at the end of that budget.
      expect(verifyMemberCode(secretFromHex(SECRET), parsed!.otp, Date.now() + 8_000).ok).toBe(true);
      expect(dom).toContain('首页'); // tab bar
    } finally {
      server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  },
  90_000,
);
