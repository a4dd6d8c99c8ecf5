import { openTestDb } from '../../test/db';
import { assertMigrated, migrate, SchemaNotReady } from './migrate';

/** The start-up check and the migrator on a migrated database (both engines). */
it('a current schema passes; one behind the build is refused, naming what is pending', async () => {
  const t = await openTestDb();
  try {
    await expect(assertMigrated(t.ds)).resolves.toBeUndefined();
    expect((await migrate(t.ds)).applied).toEqual([]);
    // As if this build brought a migration the database has not seen yet.
    const last = t.ds.migrations[t.ds.migrations.length - 1].name!;
    await t.ds.query('DELETE FROM migrations WHERE name = ?', [last]);
    const err = await assertMigrated(t.ds).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaNotReady);
    expect((err as SchemaNotReady).pending).toEqual([last]);
    expect((err as Error).message).toMatch(/behind this build \(1 pending: .*\): run `npm run migrate`/);
  } finally {
    await t.close();
  }
});
