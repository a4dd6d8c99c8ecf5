import { createDataSource, loadConfig, migrate } from '@huiyuan/server';
import { opsConfig, where } from './migrate-env';

/**
 * `npm run migrate`: applies pending migrations to the database the server is
 * configured for, as a release step before the new servers start. Safe to run
 * several at once: each waits for the migration lock, and the schema is applied
 * once (the others report "up to date"). Exits 1 with one line on failure.
 */
async function main(): Promise<void> {
  const config = loadConfig(opsConfig(process.env));
  const ds = createDataSource(config);
  await ds.initialize();
  try {
    const started = Date.now();
    const { applied } = await migrate(ds, { lockTimeoutS: config.migrateLockTimeoutS });
    const ms = Date.now() - started;
    console.log(
      applied.length
        ? `migrate: applied ${applied.length} migration(s) on ${where(config)} in ${ms} ms: ${applied.join(', ')}`
        : `migrate: ${where(config)} is up to date (${ds.migrations.length} migrations)`,
    );
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(`migrate failed: ${(err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; ')}`);
  process.exit(1);
});
