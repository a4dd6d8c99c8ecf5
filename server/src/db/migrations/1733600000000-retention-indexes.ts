import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** [table, columns] of each index added here; the name is `ix_<table>_<columns>`. */
const INDEXES: [string, string[]][] = [
  // Retention: each helper table is deleted oldest first by its time column.
  ['checkin_requests', ['created_at']],
  ['member_code_uses', ['used_at']],
  ['daily_counters', ['business_date']],
  ['task_completions', ['created_at']],
  ['outbox', ['status', 'sent_at']],
  ['inbox_messages', ['created_at']],
  // Query shapes at scale: stock per benefit, referrals waiting for settlement, the
  // audit log filtered by action newest first, the reversal of a lot's allocations,
  // the expiry scan skipping spent lots.
  ['vouchers', ['benefit_id', 'status']],
  ['referrals', ['status', 'first_purchase_at']],
  ['audit_log', ['action', 'id']],
  ['points_allocations', ['lot_id']],
  ['points_lots', ['expires_at', 'remaining']],
  // The birthday job: members whose month-day is today's, by index instead of SUBSTR on every row.
  ['members', ['birthday_md', 'id']],
  // The tier evaluation job: only members whose tier could change by now.
  ['member_tiers', ['due_at', 'member_id']],
  // The incremental reconcile: accounts changed since its last run.
  ['points_accounts', ['updated_at']],
];

const ixName = (table: string, columns: string[]) => `ix_${table}_${columns.join('_')}`;

/**
 * Indexes for the retention jobs and for query shapes that must stay index-bound
 * at millions of members; `members.birthday_md` ('MM-DD' of the birthday,
 * written with it and filled here for existing rows); `member_tiers.due_at`, so
 * the nightly evaluation visits only members whose tier could change.
 */
export class RetentionIndexes1733600000000 implements MigrationInterface {
  name = 'RetentionIndexes1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('members', new TableColumn({ name: 'birthday_md', type: 'char', length: '5', isNullable: true }));
    // SUBSTR is the same on both engines; a one-off pass at release time.
    await q.query('UPDATE members SET birthday_md = SUBSTR(birthday, 6, 5) WHERE birthday IS NOT NULL');
    // When a member's tier could next change without new growth (growth leaving the
    // window, a grace period ending); NULL: not until growth arrives. Every existing
    // member is due once, and that evaluation sets the next date.
    await q.addColumn('member_tiers', new TableColumn({ name: 'due_at', type: 'bigint', isNullable: true }));
    await q.query('UPDATE member_tiers SET due_at = 0');
    for (const [table, columns] of INDEXES)
      await q.createIndex(table, new TableIndex({ name: ixName(table, columns), columnNames: columns }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, columns] of [...INDEXES].reverse()) await q.dropIndex(table, ixName(table, columns));
    await q.dropColumn('member_tiers', 'due_at');
    await q.dropColumn('members', 'birthday_md');
  }
}
