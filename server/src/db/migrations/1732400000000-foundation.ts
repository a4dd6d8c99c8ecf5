import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Members, points ledger (accounts, append-only entries, lots, lot allocations),
 * stores and staff, audit log and key/value configuration.
 * No foreign keys on the hot ledger tables: they add a lock check to every hot
 * insert, and a database sharded by member id (TiDB, Vitess) cannot keep them.
 */
export class Foundation1732400000000 implements MigrationInterface {
  name = 'Foundation1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'members',
        [
          col.bigId(),
          col.str('openid', 64),
          col.str('unionid', 64, true),
          col.str('nickname', 64, true),
          { name: 'birthday', type: 'char', length: '10', isNullable: true },
          col.str('phone_enc', 255, true),
          { name: 'phone_hmac', type: 'char', length: '64', isNullable: true },
          col.str('consent_version', 32, true),
          col.at('consent_at', true),
          col.str('status', 16),
          col.int('token_version', 0),
          col.at('created_at'),
          col.at('updated_at'),
        ],
        [{ columns: ['openid'], unique: true }, { columns: ['unionid'] }, { columns: ['phone_hmac'] }],
      ),
    );

    await q.createTable(
      table(q, 'points_accounts', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        col.big('balance', 0),
        col.at('updated_at'),
      ]),
    );

    await q.createTable(
      table(
        q,
        'points_entries',
        [
          col.bigId(),
          col.ref('member_id'),
          col.big('delta'),
          col.str('type', 16),
          col.str('reason', 48),
          col.str('ref', 128, true),
          col.str('idem_key', 160),
          { name: 'input_hash', type: 'char', length: '64' },
          col.big('balance_after'),
          col.ref('operator_id', true),
          col.ref('store_id', true),
          col.text('note'),
          col.at('created_at'),
        ],
        [{ columns: ['idem_key'], unique: true }, { columns: ['member_id', 'created_at'] }],
      ),
    );

    await q.createTable(
      table(
        q,
        'points_lots',
        [
          col.bigId(),
          col.ref('member_id'),
          col.ref('entry_id'),
          col.big('earned'),
          col.big('remaining'),
          col.at('expires_at', true),
          col.at('created_at'),
        ],
        [{ columns: ['member_id', 'remaining'] }, { columns: ['expires_at'] }],
      ),
    );

    // Which lots each debit took from: lets a reversal put points back where they came from.
    await q.createTable(
      table(
        q,
        'points_allocations',
        [col.bigId(), col.ref('entry_id'), col.ref('lot_id'), col.ref('member_id'), col.big('points')],
        [{ columns: ['entry_id'] }],
      ),
    );

    await q.createTable(
      table(
        q,
        'stores',
        [col.bigId(), col.str('code', 32), col.str('name', 64), col.str('status', 16), col.at('created_at')],
        [{ columns: ['code'], unique: true }],
      ),
    );

    await q.createTable(
      table(
        q,
        'staff_accounts',
        [
          col.bigId(),
          col.str('username', 64),
          col.str('password_hash', 100),
          col.str('display_name', 64),
          col.str('role', 16),
          col.ref('store_id', true),
          col.ref('member_id', true),
          col.str('status', 16),
          col.int('token_version', 0),
          col.at('created_at'),
          col.at('updated_at'),
        ],
        [{ columns: ['username'], unique: true }],
      ),
    );

    await q.createTable(
      table(
        q,
        'audit_log',
        [
          col.bigId(),
          col.str('actor_type', 16),
          col.ref('actor_id', true),
          col.str('action', 64),
          col.str('target_type', 32, true),
          col.str('target_id', 64, true),
          col.text('before_json'),
          col.text('after_json'),
          col.text('reason'),
          col.str('request_id', 64, true),
          col.at('created_at'),
        ],
        [{ columns: ['target_type', 'target_id'] }, { columns: ['created_at'] }],
      ),
    );

    await q.createTable(
      table(q, 'app_config', [
        { name: 'config_key', type: 'varchar', length: '64', isPrimary: true },
        col.text('value_json', false),
        col.at('updated_at'),
      ]),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'app_config',
      'audit_log',
      'staff_accounts',
      'stores',
      'points_allocations',
      'points_lots',
      'points_entries',
      'points_accounts',
      'members',
    ]) {
      await q.dropTable(t);
    }
  }
}
