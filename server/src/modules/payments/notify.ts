import { AppError } from '../../core/errors';
import type { PayConfig } from '../../core/pay-config';
import { decryptResource, verifySigned, type EncryptedResource } from './crypto';
import { confirmPaidIn } from './settle';
import { applyRefund, type RefundDeps } from './refunds';
import type { WxTransaction } from './wxpay';

export interface NotifyHeaders {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  serial?: string;
}

interface Envelope {
  id?: string;
  event_type?: string;
  resource?: EncryptedResource;
}

interface RefundResource {
  out_trade_no: string;
  out_refund_no: string;
  refund_id?: string;
  refund_status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' | 'PROCESSING';
  success_time?: string;
  mchid?: string;
}

/**
 * A WeChat Pay notification. Its signature (platform key, timestamp within five
 * minutes of real time) is checked on the exact bytes received, then its
 * resource is decrypted with the APIv3 key (the GCM tag authenticates it too);
 * either failing is PAY_SIGNATURE_INVALID (401) and nothing changes. A paid
 * transaction is confirmed, a refund's outcome recorded, each in its own unit
 * of work; duplicates, late and out-of-order ones find the work done and are
 * answered like the first. Notifications of another merchant are ignored.
 */
export async function handleNotify(
  d: RefundDeps & { cfg: PayConfig },
  h: NotifyHeaders,
  rawBody: string,
  nowS = Math.floor(Date.now() / 1000),
): Promise<void> {
  const verdict = verifySigned(h, rawBody, { serial: d.cfg.platformSerial, publicKey: d.cfg.platformPublicKey }, nowS);
  if (verdict !== 'ok') {
    d.logger.warn({ verdict }, 'pay: notification refused');
    d.metrics.payNotifyRefused(verdict);
    throw new AppError('PAY_SIGNATURE_INVALID');
  }
  let env: Envelope;
  let plain: string;
  try {
    env = JSON.parse(rawBody) as Envelope;
    plain = decryptResource(d.cfg.apiV3Key, env.resource!);
  } catch {
    d.logger.warn({ verdict: 'resource' }, 'pay: notification refused');
    d.metrics.payNotifyRefused('resource');
    throw new AppError('PAY_SIGNATURE_INVALID');
  }
  const now = d.clock.now().getTime();
  const event = env.event_type ?? '';
  if (event === 'TRANSACTION.SUCCESS') {
    const txn = JSON.parse(plain) as WxTransaction;
    if (txn.mchid && txn.mchid !== d.cfg.mchid) return;
    const outcome = await d.db.tx((q) => confirmPaidIn(q, d.hooks, txn, 'notify', now, d.logger));
    if (outcome === 'paid') d.metrics.payOrder('paid', 'notify');
    if (outcome === 'unknown')
      d.logger.warn({ outTradeNo: txn.out_trade_no }, 'pay: notification for an unknown order');
    return;
  }
  if (event.startsWith('REFUND.')) {
    const r = JSON.parse(plain) as RefundResource;
    if (r.mchid && r.mchid !== d.cfg.mchid) return;
    const news = {
      outRefundNo: r.out_refund_no,
      refundId: r.refund_id ?? null,
      status: r.refund_status,
      successTime: r.success_time,
    };
    await applyRefund(d, news, 'notify');
  }
}
