import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * WeChat Pay: `pay_orders` (one row per out_trade_no; idempotent on the member's
 * key; refunded and reserved amounts kept on the row and moved by guarded
 * updates), `pay_order_events` (append-only history of every state change) and
 * `pay_refunds` (one row per out_refund_no; idempotent on the order's key).
 * Amounts in fen.
 */
export class Payments1733800000000 implements MigrationInterface {
  name = 'Payments1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(
        q,
        'pay_orders',
        [
          col.bigId(),
          col.str('out_trade_no', 32),
          col.ref('member_id'),
          col.str('idem_key', 64),
          col.str('input_hash', 64),
          col.str('purpose', 16),
          col.str('purpose_ref', 64),
          col.str('description', 128),
          col.str('openid', 64),
          col.big('amount_fen'),
          col.str('state', 20),
          col.big('refunded_fen', 0),
          col.big('refund_reserved_fen', 0),
          col.str('prepay_id', 64, true),
          col.str('transaction_id', 64, true),
          col.at('created_at'),
          col.at('updated_at'),
          col.at('expires_at'),
          col.at('paid_at', true),
          col.at('closed_at', true),
        ],
        [
          { columns: ['out_trade_no'], unique: true },
          { columns: ['member_id', 'idem_key'], unique: true },
          { columns: ['state', 'created_at'] },
          { columns: ['member_id', 'created_at'] },
          { columns: ['paid_at'] },
          { columns: ['purpose', 'purpose_ref'] },
        ],
      ),
    );
    await q.createTable(
      table(
        q,
        'pay_order_events',
        [
          col.bigId(),
          col.str('out_trade_no', 32),
          col.str('from_state', 20, true),
          col.str('to_state', 20),
          col.str('source', 12),
          col.str('detail', 128, true),
          col.at('created_at'),
        ],
        [{ columns: ['out_trade_no'] }, { columns: ['created_at'] }],
      ),
    );
    await q.createTable(
      table(
        q,
        'pay_refunds',
        [
          col.bigId(),
          col.str('out_refund_no', 64),
          col.str('out_trade_no', 32),
          col.str('idem_key', 64),
          col.big('amount_fen'),
          col.str('reason', 80),
          col.str('state', 12),
          col.str('refund_id', 64, true),
          col.at('created_at'),
          col.at('updated_at'),
          col.at('finished_at', true),
        ],
        [
          { columns: ['out_refund_no'], unique: true },
          { columns: ['out_trade_no', 'idem_key'], unique: true },
          { columns: ['state', 'created_at'] },
          { columns: ['finished_at'] },
        ],
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('pay_refunds');
    await q.dropTable('pay_order_events');
    await q.dropTable('pay_orders');
  }
}
