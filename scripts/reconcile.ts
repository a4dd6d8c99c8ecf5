import { createDataSource, Database, initDataSource, loadConfig, reconcile } from '@huiyuan/server';

/**
 * `npm run reconcile`: checks the invariants (server/src/modules/reconcile) on the
 * database the server is configured for (DATABASE_URL, else the embedded file)
 * and exits non-zero on any mismatch. By default only the members whose account
 * changed since the last run are checked (the member-scoped checks);
 * `npm run reconcile -- --full` checks every invariant over every member.
 */
async function main(): Promise<number> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const ds = createDataSource(config);
  await initDataSource(ds);
  try {
    const db = new Database(ds);
    const members = await db.read((q) => q.one<{ n: number }>('SELECT COUNT(*) AS n FROM members'));
    const run = await reconcile(db, { full: process.argv.includes('--full'), now: Date.now() });
    const violations = run.violations;
    const where = config.db.kind === 'mysql' ? 'mysql' : `sqlite ${config.db.path}`;
    console.log(`reconcile: ${Number(members?.n ?? 0)} members on ${where}`);
    if (run.mode === 'incremental')
      console.log(
        `reconcile: incremental, ${run.members} member(s) changed since ${new Date(run.since!).toISOString()} (--full for every check)`,
      );
    for (const name of run.checked) {
      const bad = violations.filter((v) => v.invariant === name);
      console.log(`  ${bad.length ? 'FAIL' : 'ok  '}  ${name}${bad.length ? ` (${bad.length} shown)` : ''}`);
      for (const v of bad) console.log(`        ${JSON.stringify(v.detail)}`);
    }
    console.log(violations.length ? `reconcile: ${violations.length} violation(s)` : 'reconcile: all invariants hold');
    return violations.length ? 1 : 0;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('reconcile failed:', err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
