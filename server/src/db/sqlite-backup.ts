import fs from 'node:fs';
import { BUSY_TIMEOUT_MS, loadBetterSqlite3 } from './sqlite';

/**
 * Online backup of the embedded file with SQLite's backup API (page by page, a
 * consistent snapshot even while the server writes: the copy restarts if the
 * source changes under it). Written to `<dest>.partial`, checked, then renamed, so
 * a failed run never leaves a half file under the requested name.
 */
export async function backupSqliteFile(
  source: string,
  dest: string,
): Promise<{ pages: number; bytes: number; ms: number }> {
  const ctor = loadBetterSqlite3();
  if (ctor instanceof Error) throw new Error(`backup needs better-sqlite3, which is not installed: ${ctor.message}`);
  const started = Date.now();
  const partial = `${dest}.partial`;
  fs.rmSync(partial, { force: true });
  const src = new ctor(source, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    src.pragma('query_only = ON');
    const res = await src.backup(partial);
    const copy = new ctor(partial, { fileMustExist: true });
    try {
      const ok = copy.pragma('integrity_check', { simple: true });
      if (ok !== 'ok') throw new Error(`the copy failed its integrity check: ${String(ok)}`);
      // A backup is one self-contained file: no log beside it.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    fs.renameSync(partial, dest);
    return { pages: res.totalPages, bytes: fs.statSync(dest).size, ms: Date.now() - started };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    src.close();
  }
}
