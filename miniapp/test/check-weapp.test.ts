/**
 * The weapp build checker (scripts/check-weapp.mjs) on small fixtures, and on
 * the real build when miniapp/dist exists (after npm run build:weapp). Nothing
 * is built here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const script = join(__dirname, '..', 'scripts', 'check-weapp.mjs');
const realDist = join(__dirname, '..', 'dist');
const run = (dir: string) => spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hy-weapp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fixture(opts: { skip?: string; mainBytes?: number } = {}) {
  const app = {
    pages: ['pages/index/index'],
    subPackages: [{ root: 'staff', pages: ['login/index'] }],
    tabBar: { list: [{ pagePath: 'pages/index/index', text: '首页' }] },
  };
  const put = (rel: string, body: string | Buffer) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), body);
  };
  put('app.json', JSON.stringify(app));
  for (const page of ['pages/index/index', 'staff/login/index']) {
    for (const ext of ['.js', '.json', '.wxml']) if (`${page}${ext}` !== opts.skip) put(`${page}${ext}`, '{}');
  }
  put('vendors.js', Buffer.alloc(opts.mainBytes ?? 1000));
}

it('passes a complete build and prints the sizes', () => {
  fixture();
  const r = run(dir);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/main package\s+\d/);
  expect(r.stdout).toContain('staff');
});

it('fails when a page file is missing', () => {
  fixture({ skip: 'staff/login/index.wxml' });
  const r = run(dir);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('missing staff/login/index.wxml');
});

it('fails when the main package reaches 2 MB', () => {
  fixture({ mainBytes: 2 * 1024 * 1024 });
  const r = run(dir);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('over the 2 MB limit');
});

it('fails without a build', () => {
  expect(run(join(dir, 'nothing')).status).toBe(1);
});

(existsSync(join(realDist, 'app.json')) ? it : it.skip)('the real miniapp/dist build passes', () => {
  const r = run(realDist);
  if (r.status !== 0) throw new Error(r.stderr);
  expect(r.stdout).toContain('OK');
});
