import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * WeChat platform fidelity:
 * - `members.phone_verified`: 1 when the number came from WeChat's getPhoneNumber,
 *   0 when the member typed it (or none is set).
 * - `referral_poster_codes`: each member's mini-program code for the invite poster,
 *   made once through WeChat (a quota-limited call) and kept; the key includes the
 *   scene, page and version it was made for, so a changed configuration makes a new one.
 * - an index on `subscription_allowances (template_key, member_id)` for the
 *   reminder job, which walks the members subscribed to one template.
 */
export class WechatFidelity1733520000000 implements MigrationInterface {
  name = 'WechatFidelity1733520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'members',
      new TableColumn({ name: 'phone_verified', type: 'int', isNullable: false, default: 0 }),
    );
    const type = q.connection.driver.options.type;
    const sqlite = type === 'sqljs' || type === 'better-sqlite3';
    await q.createTable(
      table(q, 'referral_poster_codes', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        col.str('scene', 32),
        col.str('page', 128),
        col.str('env_version', 16),
        // base64 of the PNG: tens of KB, past MySQL's TEXT (64 KB) for large widths.
        { name: 'png_base64', type: sqlite ? 'text' : 'mediumtext', isNullable: false },
        col.at('created_at'),
      ]),
    );
    await q.createIndex(
      'subscription_allowances',
      new TableIndex({ name: 'ix_subscription_allowances_template', columnNames: ['template_key', 'member_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('subscription_allowances', 'ix_subscription_allowances_template');
    await q.dropTable('referral_poster_codes');
    await q.dropColumn('members', 'phone_verified');
  }
}
