/** What scripts (dev start, seed, reconcile, benchmarks) use of the server. */
export { loadConfig, type Config } from './core/config';
export { createLogger, type Logger } from './core/logger';
export { systemClock, ManualClock, type Clock } from './core/clock';
export { createDataSource, initDataSource } from './db/data-source';
export { migrate, assertMigrated, SchemaNotReady } from './db/migrate';
export { compose } from './compose';
export { Database, type Q } from './db/database';
export { backupSqliteFile } from './db/sqlite-backup';
export { startServer, type RunningServer } from './server';
export type { AppContext } from './http/context';
export { checkInvariants, invariantNames, type Violation } from './modules/reconcile/invariants';
export { reconcile, type ReconcileResult } from './modules/reconcile/incremental';
