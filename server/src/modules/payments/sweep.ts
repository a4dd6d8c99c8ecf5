import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { releaseLease, takeLease } from '../../jobs/store';
import type { PaymentService } from './service';
import * as store from './store';
import type { WxPayClient } from './wxpay';

export interface SweepResult {
  /** CREATED orders asked about. */
  synced: number;
  /** Of them, found paid (their notification never came, or not yet). */
  paid: number;
  /** Of them, closed (past their time, or closed at WeChat). */
  closed: number;
  /** Refunds asked about or sent again. */
  refunds: number;
}

/** How old an open order or refund must be before we ask: its notification normally comes within seconds. */
export const SYNC_AFTER_MS = 60_000;
const LEASE = 'payments_sweep';
const LEASE_MS = 120_000;
const BATCH = 200;

/**
 * The background sync and close, one pass. Under a lease on the database's clock
 * so one instance at a time calls WeChat for the same orders (two would still be
 * safe: every change is a compare-and-set). CREATED orders older than a minute
 * are queried: paid ones are confirmed (source query), past-due ones closed at
 * WeChat and here. Refunds still NEW (WeChat never reached) are sent again,
 * PROCESSING ones queried. An order asked about is not asked again for a minute.
 */
export async function sweep(
  pay: PaymentService,
  db: Database,
  clock: Clock,
  wx: WxPayClient,
  logger: Logger,
): Promise<SweepResult> {
  const r: SweepResult = { synced: 0, paid: 0, closed: 0, refunds: 0 };
  const owner = `sweep-${process.pid}-${randomUUID().slice(0, 8)}`;
  if (!(await db.tx((q) => takeLease(q, LEASE, owner, LEASE_MS)))) return r;
  try {
    const due = clock.now().getTime() - SYNC_AFTER_MS;
    const orders = await db.read((q) => store.createdBeforeIn(q, due, BATCH));
    for (const o of orders) {
      r.synced++;
      try {
        const v = await pay.syncOrder(o.out_trade_no, { closeIfDue: true });
        if (v.state === 'PAID') r.paid++;
        else if (v.state === 'CLOSED') r.closed++;
        else await db.tx((q) => store.touchOrderIn(q, o.out_trade_no, clock.now().getTime()));
      } catch (err) {
        logger.warn({ outTradeNo: o.out_trade_no, err: (err as Error).message }, 'pay: sync failed');
      }
    }
    const refunds = await db.read((q) => store.openRefundsBeforeIn(q, due, BATCH));
    for (const f of refunds) {
      r.refunds++;
      try {
        await db.tx((q) => store.touchRefundIn(q, f.out_refund_no, clock.now().getTime()));
        await pay.syncRefund(wx, f);
      } catch (err) {
        logger.warn({ outRefundNo: f.out_refund_no, err: (err as Error).message }, 'pay: refund sync failed');
      }
    }
  } finally {
    await db.tx((q) => releaseLease(q, LEASE, owner)).catch(() => undefined);
  }
  return r;
}
