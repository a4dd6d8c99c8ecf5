import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../core/config';
import { migrations } from './migrations';
import { BUSY_TIMEOUT_MS, loadBetterSqlite3, prepareWriter, type SqliteConnection } from './sqlite';
import { assertMigrated, migrate } from './migrate';

/**
 * MySQL/MariaDB when DATABASE_URL is set, otherwise an embedded SQLite file
 * (better-sqlite3; sql.js when better-sqlite3 is not installed, see sqlite.ts).
 * Migrations run through initDataSource (see migrate.ts); there is no `synchronize`.
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
    const engine = sqliteEngine(config.db.engine);
    const synchronous = config.db.synchronous ?? 'FULL';
    options =
      engine === 'better-sqlite3'
        ? {
            type: 'better-sqlite3',
            database: config.db.path,
            timeout: BUSY_TIMEOUT_MS,
            // Pragmas (WAL, synchronous, busy timeout, ...) and why: sqlite.ts.
            prepareDatabase: (conn: SqliteConnection) => prepareWriter(conn, synchronous),
            // The same SQL comes back all the time; units of work use their own cache (sqlite.ts).
            statementCacheSize: 100,
            migrations,
            logging: false,
          }
        : {
            // sql.js keeps the database in memory and writes the whole file after
            // every write transaction (autoSave): fine for a demo, not for a shop.
            type: 'sqljs',
            location: memory ? undefined : config.db.path,
            autoSave: !memory,
            migrations,
            logging: false,
          };
  }
  return new DataSource(options);
}

let warned = false;
/**
 * better-sqlite3 unless asked for sql.js (SQLITE_ENGINE) or not installed (an
 * optional dependency: its native build fails on a machine with no prebuilt binary
 * and no compiler, and `npm install` goes on without it). Then sql.js, with a
 * warning at start saying what is lost and how to get it back.
 */
function sqliteEngine(requested: 'better-sqlite3' | 'sqljs' | undefined): 'better-sqlite3' | 'sqljs' {
  if (requested === 'sqljs') return 'sqljs';
  const loaded = loadBetterSqlite3();
  if (!(loaded instanceof Error)) return 'better-sqlite3';
  if (requested === 'better-sqlite3')
    throw new Error(`SQLITE_ENGINE=better-sqlite3 but it cannot load: ${loaded.message}`);
  if (!warned) {
    warned = true;
    console.warn(
      `better-sqlite3 is not available (${loaded.message.split('\n')[0]}); using sql.js instead. ` +
        'sql.js rewrites the whole file after every write, slows down as data grows and can lose data in a crash: ' +
        'fine to try the product, not to run a shop. Install a C++ toolchain (python3, make, g++), then ' +
        'run `npm install` again to get the durable engine.',
    );
  }
  return 'sqljs';
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
