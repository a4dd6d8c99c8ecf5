import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/** In-app inbox, subscribe-message allowances, the shared WeChat access token, job leases and runs. */
export class Notifications1733100000000 implements MigrationInterface {
  name = 'Notifications1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('outbox', new TableColumn({ name: 'channel', type: 'varchar', length: '16', isNullable: true }));
    await q.createTable(
      table(
        q,
        'inbox_messages',
        [
          col.bigId(),
          col.ref('member_id'),
          col.str('kind', 32),
          col.str('title', 64),
          col.str('body', 255),
          col.str('page', 128, true),
          col.str('dedupe_key', 160),
          col.at('read_at', true),
          col.at('created_at'),
        ],
        [
          { columns: ['dedupe_key'], unique: true },
          { columns: ['member_id', 'created_at'] },
          { columns: ['member_id', 'read_at'] },
        ],
      ),
    );
    // Each accepted requestSubscribeMessage is one send; a ban stops the template for good.
    await q.createTable(
      table(q, 'subscription_allowances', [
        { name: 'member_id', type: 'bigint', isPrimary: true },
        { name: 'template_key', type: 'varchar', length: '32', isPrimary: true },
        col.int('allowance', 0),
        col.int('banned', 0),
        col.at('updated_at'),
      ]),
    );
    await q.createTable(
      table(q, 'wechat_tokens', [
        { name: 'name', type: 'varchar', length: '32', isPrimary: true },
        col.str('token', 512),
        col.at('expires_at'),
        col.at('updated_at'),
      ]),
    );
    await q.createTable(
      table(q, 'job_leases', [
        { name: 'name', type: 'varchar', length: '32', isPrimary: true },
        col.str('owner', 64),
        col.at('lease_until'),
      ]),
    );
    await q.createTable(
      table(
        q,
        'job_runs',
        [
          col.bigId(),
          col.str('job', 32),
          col.str('run_key', 80),
          col.str('status', 16),
          col.str('resume_cursor', 64, true),
          col.big('processed', 0),
          col.text('detail'),
          col.str('triggered_by', 32),
          col.at('started_at'),
          col.at('finished_at', true),
        ],
        [{ columns: ['run_key'], unique: true }, { columns: ['job', 'started_at'] }],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['job_runs', 'job_leases', 'wechat_tokens', 'subscription_allowances', 'inbox_messages'])
      await q.dropTable(t);
    await q.dropColumn('outbox', 'channel');
  }
}
