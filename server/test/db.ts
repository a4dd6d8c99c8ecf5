import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/core/config';
import { createDataSource, initDataSource } from '../src/db/data-source';
import { Database } from '../src/db/database';

let seq = 0;

/** A fresh database on the MySQL server named by `url`, dropped by the returned `drop`. */
export async function freshMysql(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const u = new URL(url);
  const name = `hyt_${process.pid}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = () =>
    createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    });
  const c = await admin();
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const d = await admin();
      await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await d.end();
    },
  };
}

export interface TestDb {
  db: Database;
  ds: DataSource;
  dialect: 'mysql' | 'sqlite';
  close(): Promise<void>;
}

/**
 * A migrated database without HTTP, for unit tests of a module's store: SQLite in
 * memory by default, a fresh MariaDB/MySQL database when DATABASE_URL is set.
 */
export async function openTestDb(): Promise<TestDb> {
  const mysql = process.env.DATABASE_URL ? await freshMysql(process.env.DATABASE_URL) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    ...(mysql ? { DATABASE_URL: mysql.url, DB_POOL_SIZE: '8' } : { SQLITE_PATH: ':memory:' }),
  });
  const ds = createDataSource(config);
  await initDataSource(ds);
  const db = new Database(ds, { maxAttempts: config.txMaxAttempts });
  return {
    db,
    ds,
    dialect: db.dialect,
    async close() {
      await ds.destroy().catch(() => undefined);
      await mysql?.drop();
    },
  };
}
