import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, table } from './table';

/**
 * Images and the shift summary:
 * - `images`: one row per uploaded image (its type, size and checksum); the bytes and
 *   their resized variants are in the image store, not the database.
 * - `benefits.image_key`: the benefit's image as `<id>.<ext>`, or null.
 * - indexes for a store's figures over a period: orders and refunds by creation time,
 *   vouchers by where and when they were written off.
 */
export class Media1733610000000 implements MigrationInterface {
  name = 'Media1733610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table(q, 'images', [
        col.bigId(),
        col.str('content_type', 16),
        col.str('ext', 8),
        col.int('width'),
        col.int('height'),
        col.int('bytes'),
        { name: 'sha256', type: 'char', length: '64' },
        col.ref('created_by'),
        col.at('created_at'),
      ]),
    );
    await q.addColumn(
      'benefits',
      new TableColumn({ name: 'image_key', type: 'varchar', length: '40', isNullable: true }),
    );
    await q.createIndex(
      'orders',
      new TableIndex({ name: 'ix_orders_store_created', columnNames: ['store_id', 'created_at'] }),
    );
    await q.createIndex(
      'refunds',
      new TableIndex({ name: 'ix_refunds_store_created', columnNames: ['store_id', 'created_at'] }),
    );
    await q.createIndex(
      'vouchers',
      new TableIndex({ name: 'ix_vouchers_redeemed_store', columnNames: ['redeemed_store_id', 'redeemed_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('vouchers', 'ix_vouchers_redeemed_store');
    await q.dropIndex('refunds', 'ix_refunds_store_created');
    await q.dropIndex('orders', 'ix_orders_store_created');
    await q.dropColumn('benefits', 'image_key');
    await q.dropTable('images');
  }
}
