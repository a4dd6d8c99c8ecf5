import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../core/config';
import { migrations } from './migrations';
import { assertMigrated, migrate } from './migrate';

/**
 * MySQL/MariaDB when DATABASE_URL is set, otherwise an embedded SQLite file
 * (sql.js, pure WASM: nothing to compile or run). Migrations run through
 * initDataSource (see migrate.ts); there is no `synchronize`.
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
      // Overload sheds instead of queueing forever: past this many waiting units of
      // work mysql2 refuses at once (and mysql-pool.ts bounds the wait), answered 503.
      extra: { queueLimit: config.db.queueLimit },
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

/**
 * Opens the data source, then applies pending migrations (under the migration
 * lock, see migrate.ts) when `migrate` is true, the default for tests and tools;
 * otherwise only checks that the schema is current and refuses to go on with
 * SchemaNotReady (a server started before `npm run migrate`).
 */
export async function initDataSource(
  ds: DataSource,
  opts: { migrate?: boolean; lockTimeoutS?: number } = {},
): Promise<void> {
  await ds.initialize();
  try {
    if (opts.migrate ?? true) await migrate(ds, { lockTimeoutS: opts.lockTimeoutS });
    else await assertMigrated(ds);
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
}
