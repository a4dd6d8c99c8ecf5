import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config';
import { createDataSource, initDataSource } from './data-source';
import { Database } from './database';
import { migrations } from './migrations';
import { loadBetterSqlite3, writerOf, type SqliteConstructor } from './sqlite';
import { backupSqliteFile } from './sqlite-backup';

/**
 * The embedded engine on a file: pragmas at open, reads that do not wait for the
 * writer, online backup, and a file written by the sql.js-era server opening and
 * working. SQLite only (the MySQL run has nothing embedded to test).
 */
const sqliteOnly = process.env.DATABASE_URL ? describe.skip : describe;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hy-sqlite-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
async function open(env: Record<string, string> = {}, file = path.join(dir, `db-${++seq}.sqlite`)) {
  const config = loadConfig({ NODE_ENV: 'test', SQLITE_PATH: file, ...env });
  const ds = createDataSource(config);
  await initDataSource(ds);
  return { ds, db: new Database(ds), file };
}

const addMember = (db: Database, openid: string) =>
  db.tx((q) =>
    q.insert(
      "INSERT INTO members (openid, status, token_version, created_at, updated_at) VALUES (?, 'active', 0, ?, ?)",
      [openid, 1, 1],
    ),
  );
const openids = async (db: Database) =>
  (await db.read((q) => q.all<{ openid: string }>('SELECT openid FROM members ORDER BY id'))).map((r) => r.openid);

sqliteOnly('the embedded engine', () => {
  test('better-sqlite3 is installed and is the default engine', async () => {
    expect(loadBetterSqlite3()).not.toBeInstanceOf(Error);
    const { ds } = await open();
    expect(ds.options.type).toBe('better-sqlite3');
    await ds.destroy();
  });

  test('the file opens in WAL mode with the chosen synchronous level, a busy timeout and foreign keys', async () => {
    const { ds } = await open();
    const w = writerOf(ds);
    const p = (name: string) => w.pragma(name, { simple: true });
    expect(p('journal_mode')).toBe('wal');
    expect(p('synchronous')).toBe(2); // FULL
    expect(p('busy_timeout')).toBe(5000);
    expect(p('foreign_keys')).toBe(1);
    await ds.destroy();
    const normal = await open({ SQLITE_SYNCHRONOUS: 'NORMAL' });
    expect(writerOf(normal.ds).pragma('synchronous', { simple: true })).toBe(1);
    await normal.ds.destroy();
  });

  test('reads answer from the last commit while a unit of work holds the writer', async () => {
    const { ds, db } = await open();
    await addMember(db, 'committed');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const long = db.tx(async (q) => {
      await q.exec(
        "INSERT INTO members (openid, status, token_version, created_at, updated_at) VALUES ('uncommitted', 'active', 0, 1, 1)",
      );
      inside();
      await held; // a long job, still in its transaction
    });
    await started;
    const t0 = Date.now();
    expect(await openids(db)).toEqual(['committed']);
    expect(Date.now() - t0).toBeLessThan(1000);
    release();
    await long;
    expect(await openids(db)).toEqual(['committed', 'uncommitted']);
    await ds.destroy();
  });

  test('a write inside a read unit on a file takes its turn on the writer and is seen by the next read', async () => {
    const { ds, db } = await open();
    const n = await db.read(async (q) => {
      await q.defer([
        [
          "INSERT INTO members (openid, status, token_version, created_at, updated_at) VALUES ('deferred', 'active', 0, 1, 1)",
        ],
      ]);
      return (await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM members'))!.n;
    });
    expect(Number(n)).toBe(1);
    await ds.destroy();
  });

  test('a backup taken while a transaction is open holds exactly the committed data, and opens', async () => {
    const { ds, db, file } = await open();
    await addMember(db, 'before-backup');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const long = db.tx(async (q) => {
      await q.exec(
        "INSERT INTO members (openid, status, token_version, created_at, updated_at) VALUES ('in-flight', 'active', 0, 1, 1)",
      );
      await held;
    });
    const dest = path.join(dir, 'backup.sqlite');
    const res = await backupSqliteFile(file, dest);
    release();
    await long;
    expect(res.pages).toBeGreaterThan(0);
    expect(fs.existsSync(`${dest}.partial`)).toBe(false);
    const restored = await open({}, dest);
    expect(await openids(restored.db)).toEqual(['before-backup']);
    await restored.ds.destroy();
    await ds.destroy();
  });

  test('a file written by the sql.js-era server opens, needs no migration, and keeps working', async () => {
    // What the old server left on disk: migrated by sql.js, data written, the file exported by autoSave.
    const old = await open({ SQLITE_ENGINE: 'sqljs' });
    expect(old.ds.options.type).toBe('sqljs');
    await addMember(old.db, 'from-sqljs');
    await old.ds.destroy();
    const header = fs.readFileSync(old.file).subarray(0, 16).toString('latin1');
    expect(header).toBe('SQLite format 3\0');

    const ctor = loadBetterSqlite3() as SqliteConstructor;
    const raw = new ctor(old.file, { fileMustExist: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
    const applied = () => Number((raw.prepare('SELECT COUNT(*) AS n FROM migrations').all()[0] as { n: number }).n);
    const before = applied();
    raw.close();
    expect(before).toBe(migrations.length);

    const now = await open({}, old.file);
    expect(now.ds.options.type).toBe('better-sqlite3');
    expect(writerOf(now.ds).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(await openids(now.db)).toEqual(['from-sqljs']);
    await addMember(now.db, 'from-better-sqlite3');
    expect(await openids(now.db)).toEqual(['from-sqljs', 'from-better-sqlite3']);
    await now.ds.destroy();

    // Opening again changes nothing: migrations are idempotent, the data is still there.
    const again = await open({}, old.file);
    const count = await again.db.read((q) => q.one<{ n: number }>('SELECT COUNT(*) AS n FROM migrations'));
    expect(Number(count!.n)).toBe(migrations.length);
    expect(await openids(again.db)).toEqual(['from-sqljs', 'from-better-sqlite3']);
    await again.ds.destroy();
  });
});
