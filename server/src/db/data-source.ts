import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../core/config';
import { migrations } from './migrations';

/**
 * MySQL/MariaDB when DATABASE_URL is set, otherwise an embedded SQLite file
 * (sql.js, pure WASM: nothing to compile or run). Migrations run on start on both;
 * there is no `synchronize`.
 */
export function createDataSource(config: Config): DataSource {
  let options: DataSourceOptions;
  if (config.db.kind === 'mysql') {
    options = {
      type: 'mysql',
      url: config.db.url,
      poolSize: config.db.poolSize,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      // The whole pool needs it: every unit of work on it (Database.tx and .read, the
      // only users besides the migrations) sends START TRANSACTION, deferred writes
      // and Q.script steps together with another statement, and a unit of work may
      // take any pooled connection. mysql2 fixes the flag at the handshake, so a
      // connection cannot switch it on for one query; a second pool without it would
      // have nothing left to serve. Safe only because no SQL is ever built from input:
      // every value goes through `?` placeholders, escaped by the driver, and the
      // identifiers and fragments spliced into SQL (db/dialect.ts) are constants.
      multipleStatements: true,
      migrations,
      migrationsRun: false,
      logging: false,
    };
  } else {
    const memory = config.db.path === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(config.db.path)), { recursive: true });
    options = {
      type: 'sqljs',
      location: memory ? undefined : config.db.path,
      autoSave: !memory,
      migrations,
      logging: false,
    };
  }
  return new DataSource(options);
}

export async function initDataSource(ds: DataSource): Promise<void> {
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
}
