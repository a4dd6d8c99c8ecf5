import path from 'node:path';
import { backupSqliteFile, loadConfig } from '@huiyuan/server';

/**
 * `npm run backup -- <file>`: an online copy of the embedded database (SQLITE_PATH)
 * while the server keeps running, with SQLite's backup API. The copy is a
 * consistent snapshot of the last commit, checked (integrity_check) before it is
 * renamed into place. Restoring: README.md, "Backup and restore".
 * On MySQL use the database's own tools (mysqldump, mariabackup).
 */
async function main(): Promise<number> {
  const dest = process.argv[2];
  if (!dest) {
    console.error('usage: npm run backup -- <file>');
    return 2;
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  if (config.db.kind !== 'sqlite' || config.db.path === ':memory:') {
    console.error('backup copies the embedded database file (SQLITE_PATH); on MySQL use mysqldump or mariabackup');
    return 2;
  }
  const source = path.resolve(config.db.path);
  const target = path.resolve(dest);
  if (source === target) {
    console.error('the backup must not overwrite the database itself');
    return 2;
  }
  const res = await backupSqliteFile(source, target);
  console.log(
    `backup: ${source} -> ${target}: ${res.pages} pages, ${(res.bytes / 1e6).toFixed(1)} MB in ${res.ms} ms (integrity ok)`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('backup failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
