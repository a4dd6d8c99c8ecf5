import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Staged churn and operator alerts. A member's last activity as a business date
 * (written at most once a day) and the store of the last order (call lists); the
 * stages members entered, one per stage and quiet episode; alerts raised by the
 * threshold rules, one per rule, period and subject, and the daily figures they
 * compare; the operators' inbox.
 * Existing members start with no last activity: the churn job fills it from
 * their history the first time it meets them.
 */
export class ChurnAlerts1733490000000 implements MigrationInterface {
  name = 'ChurnAlerts1733490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'members',
      new TableColumn({ name: 'last_active_on', type: 'varchar', length: '10', isNullable: true }),
    );
    await q.addColumn('members', new TableColumn({ name: 'last_order_store_id', type: 'bigint', isNullable: true }));
    await q.createIndex(
      'members',
      new TableIndex({ name: 'ix_members_last_order_store_id', columnNames: ['last_order_store_id'] }),
    );
    await q.createTable(
      table(
        q,
        'churn_entries',
        [
          col.bigId(),
          col.ref('member_id'),
          col.str('episode', 10),
          col.str('stage', 8),
          col.str('entered_on', 10),
          col.at('entered_at'),
          col.str('action', 16),
          col.ref('store_id', true),
          col.str('detail', 128, true),
          col.str('recovered_on', 10, true),
        ],
        [
          { columns: ['member_id', 'episode', 'stage'], unique: true },
          { columns: ['stage', 'entered_on'] },
          { columns: ['store_id', 'stage'] },
          { columns: ['recovered_on', 'id'] },
        ],
      ),
    );
    await q.createTable(
      table(
        q,
        'alerts',
        [
          col.bigId(),
          col.str('rule', 32),
          col.str('period', 16),
          col.str('subject', 32),
          col.str('state', 16),
          col.str('message', 255),
          { name: 'value', type: 'double', isNullable: false },
          { name: 'threshold', type: 'double', isNullable: false },
          col.at('created_at'),
          col.at('acknowledged_at', true),
          col.ref('acknowledged_by', true),
        ],
        [{ columns: ['rule', 'period', 'subject'], unique: true }, { columns: ['state', 'id'] }],
      ),
    );
    // One figure per business date (today's liability), so week-on-week rules read two rows, not the ledger.
    await q.createTable(
      table(q, 'insight_snapshots', [
        { name: 'metric', type: 'varchar', length: '32', isPrimary: true },
        { name: 'business_date', type: 'varchar', length: '10', isPrimary: true },
        col.big('value'),
        col.at('updated_at'),
      ]),
    );
    await q.createTable(
      table(
        q,
        'operator_messages',
        [
          col.bigId(),
          col.str('kind', 32),
          col.str('title', 64),
          col.str('body', 255),
          col.str('dedupe_key', 96),
          col.at('created_at'),
          col.at('read_at', true),
        ],
        [{ columns: ['dedupe_key'], unique: true }, { columns: ['read_at'] }],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('operator_messages');
    await q.dropTable('insight_snapshots');
    await q.dropTable('alerts');
    await q.dropTable('churn_entries');
    await q.dropIndex('members', 'ix_members_last_order_store_id');
    await q.dropColumn('members', 'last_order_store_id');
    await q.dropColumn('members', 'last_active_on');
  }
}
