import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Leases on database time for background work on several instances: an outbox
 * row claimed for sending carries its owner (instance and claim token) and the
 * database time its lease ends, so only the owner may finish it and a lapsed
 * claim is taken over; the access token row carries the lease of a forced
 * refresh, so instances refresh it at most once per window between them.
 */
export class BackgroundLeases1733350000000 implements MigrationInterface {
  name = 'BackgroundLeases1733350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('outbox', new TableColumn({ name: 'owner', type: 'varchar', length: '64', isNullable: true }));
    await q.addColumn(
      'outbox',
      new TableColumn({ name: 'lease_until', type: 'bigint', isNullable: false, default: 0 }),
    );
    await q.addColumn(
      'wechat_tokens',
      new TableColumn({ name: 'refresh_owner', type: 'varchar', length: '64', isNullable: false, default: "''" }),
    );
    await q.addColumn(
      'wechat_tokens',
      new TableColumn({ name: 'refresh_until', type: 'bigint', isNullable: false, default: 0 }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('wechat_tokens', 'refresh_until');
    await q.dropColumn('wechat_tokens', 'refresh_owner');
    await q.dropColumn('outbox', 'lease_until');
    await q.dropColumn('outbox', 'owner');
  }
}
