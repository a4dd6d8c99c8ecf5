import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freshMysql } from '../server/test/db';

/**
 * The release commands as an operator runs them, as processes on the built code:
 * `npm run migrate` (three at once on an empty database), `npm run serve`
 * refusing a database it would have to migrate and a production environment
 * without secrets, and `npm run create-operator`. On MariaDB when DATABASE_URL
 * is set, else on an embedded file.
 */
const root = path.resolve(__dirname, '..');
const mysqlUrl = process.env.DATABASE_URL;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function npm(args: string[], env: Record<string, string | undefined>, input?: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function fileLocking(): boolean {
  if (process.env.SQLITE_ENGINE === 'sqljs') return false;
  try {
    // Installed is not enough: the native module must load (else the server falls back to sql.js).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a probe, not a dependency of the test
    const Sqlite = require(require.resolve('better-sqlite3', { paths: [path.join(root, 'server')] }));
    new Sqlite(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The one line a command prints when it fails (other stderr lines, such as the
 * embedded engine's fallback warning, are not the failure); undefined when none.
 */
function failure(r: Ran): string | undefined {
  const lines = r.stderr.split('\n').filter((l) => /^(Failed to start|migrate failed|create-operator failed)/.test(l));
  if (lines.length > 1) throw new Error(`more than one failure line: ${r.stderr}`);
  return lines[0];
}

let db: { env: Record<string, string>; drop: () => Promise<void> };

beforeAll(async () => {
  // The commands run the compiled code, as in production.
  const tsc = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'shared', 'server', 'scripts'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (tsc.status !== 0) throw new Error(`build failed: ${tsc.stdout}${tsc.stderr}`);
  if (mysqlUrl) {
    const m = await freshMysql(mysqlUrl);
    db = { env: { DATABASE_URL: m.url }, drop: m.drop };
  } else {
    const file = path.join(os.tmpdir(), `hy-migrate-${process.pid}.sqlite`);
    db = { env: { SQLITE_PATH: file }, drop: async () => fs.rmSync(file, { force: true }) };
  }
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

it('npm run serve refuses an un-migrated database with one line', async () => {
  const r = await npm(['serve'], { ...db.env, MIGRATE_ON_START: '0', PORT: '0' });
  expect(r.code).toBe(1);
  expect(failure(r)).toMatch(/^Failed to start: The database has no schema yet: run `npm run migrate`/);
});

it('npm run migrate: three at once on an empty database all succeed and apply the schema once', async () => {
  // better-sqlite3 shares the file's write lock between processes; sql.js holds the file in one
  // process's memory, so with it only one migrator at a time is meaningful.
  const runs = mysqlUrl || fileLocking() ? 3 : 1;
  const results = await Promise.all(Array.from({ length: runs }, () => npm(['migrate'], db.env)));
  for (const r of results) expect({ code: r.code, failure: failure(r) }).toEqual({ code: 0, failure: undefined });
  const applied = results.filter((r) => /applied \d+ migration/.test(r.stdout));
  expect(applied).toHaveLength(1);
  expect(results.filter((r) => /is up to date/.test(r.stdout))).toHaveLength(runs - 1);
  if (mysqlUrl) {
    const c = await createConnection(db.env.DATABASE_URL);
    const [rows] = await c.query('SELECT name, COUNT(*) AS n FROM migrations GROUP BY name HAVING n > 1');
    const [all] = await c.query('SELECT COUNT(*) AS n FROM migrations');
    await c.end();
    expect(rows).toEqual([]);
    expect(Number((all as { n: number }[])[0].n)).toBeGreaterThan(0);
  }
  const again = await npm(['migrate'], db.env);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/is up to date/);
}, 120_000);

it('npm run create-operator: password from stdin, or generated and printed once; a taken name is refused', async () => {
  const piped = await npm(['create-operator', '--', '--username', 'root.op'], db.env, 'a long passphrase\n');
  expect(piped.code).toBe(0);
  expect(piped.stdout).toMatch(/Created operator "root\.op"/);
  expect(piped.stdout).not.toMatch(/Password/);

  const gen = await npm(['create-operator', '--', '--username', 'second.op'], db.env, '');
  expect(gen.code).toBe(0);
  const printed = /Password \(shown once[^)]*\): (\S+)/.exec(gen.stdout)?.[1];
  expect(printed).toMatch(/^[A-Za-z0-9_-]{24}$/);

  const taken = await npm(['create-operator', '--', '--username', 'root.op'], db.env, 'another passphrase');
  expect(taken.code).toBe(1);
  expect(failure(taken)).toBe('create-operator failed: the username "root.op" is taken');

  const bad = await npm(['create-operator', '--', '--username', 'X'], db.env, 'short');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/username/);
}, 60_000);

it('npm run serve with NODE_ENV=production and no secrets exits 1 naming what is missing; never seeds', async () => {
  const r = await npm(['serve'], { ...db.env, NODE_ENV: 'production', PORT: '0' });
  expect(r.code).toBe(1);
  expect(failure(r)).toMatch(
    /TOKEN_SECRET missing.*PHONE_ENC_KEY missing.*PHONE_HMAC_KEY missing.*WECHAT_APPID missing/,
  );
  const weak = await npm(['serve'], {
    ...db.env,
    NODE_ENV: 'production',
    DATABASE_URL: db.env.DATABASE_URL ?? 'mysql://nobody@127.0.0.1:1/none',
    TOKEN_SECRET: 'x'.repeat(48),
    PHONE_ENC_KEY: 'ab'.repeat(32),
    PHONE_HMAC_KEY: 'y'.repeat(40),
    WECHAT_APPID: 'wx1234567890abcdef',
    WECHAT_SECRET: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  });
  expect(weak.code).toBe(1);
  expect(failure(weak)).toMatch(/^Failed to start: .*TOKEN_SECRET weak.*PHONE_ENC_KEY weak.*PHONE_HMAC_KEY weak/);
});

it('npm run serve starts on the migrated database, answers /livez, and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [path.join(root, 'server/dist/main.js')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: undefined, ...db.env, PORT: '0', LOG_LEVEL: 'info', BACKGROUND: 'off' },
  });
  let out = '';
  child.stdout.on('data', (c) => (out += String(c)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  expect((await fetch(`${url}/livez`)).status).toBe(200);
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(out).toMatch(/"msg":"stopped"/);
});
