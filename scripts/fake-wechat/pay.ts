import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { TEST_PAY } from './pay-keys';
import { sandboxCrypto } from './pay-crypto';

/**
 * A WeChat Pay API v3 sandbox: jsapi, query, close, refund and refund query with
 * WeChat Pay's request and answer shapes. It checks the merchant's
 * Authorization signature (401 SIGN_ERROR otherwise), signs every answer and
 * notification with the TEST-ONLY platform key and encrypts notification
 * resources with the APIv3 key (Node's crypto directly: independent of the
 * server's code). "Paying" is a control call (what wx.requestPayment would do),
 * which sends the notification; how it is sent can be chosen (see `PayMode`).
 */
export type PayMode = 'normal' | 'duplicate' | 'delay' | 'bad_signature' | 'none' | 'fail';
export type RefundMode = 'async' | 'sync' | 'hold' | 'close' | 'abnormal';

interface Order {
  appid: string;
  mchid: string;
  out_trade_no: string;
  description: string;
  notify_url: string;
  total: number;
  openid: string;
  prepay_id: string;
  trade_state: 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'PAYERROR';
  transaction_id?: string;
  success_time?: string;
}
interface Refund {
  out_refund_no: string;
  out_trade_no: string;
  refund_id: string;
  refund: number;
  status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  notify_url: string;
  create_time: string;
  success_time?: string;
}

export interface FakePay {
  orders: Map<string, Order>;
  refunds: Map<string, Refund>;
  /** Notifications sent, in order, with the answer the server gave. */
  notified: { event: string; key: string; status: number }[];
  /** Replaces the scheme, host and port of every notify_url (tests run the server on a random port). */
  notifyOrigin: string | null;
  refundMode: RefundMode;
  /** The member pays (or fails to): marks the order and sends its notification as `mode` says. */
  pay(outTradeNo: string, mode?: PayMode, opts?: { count?: number; delayMs?: number }): Promise<void>;
  /** Finishes a held refund with `status`, notifying. */
  finishRefund(outRefundNo: string, status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'): Promise<void>;
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): Promise<void>;
}

const rfc3339 = (ms = Date.now()) => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function fakePay(): FakePay {
  const { signed, authorized, encrypt } = sandboxCrypto();
  const answer = (res: http.ServerResponse, status: number, body?: unknown) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...signed(text) });
    res.end(text);
  };
  const fail = (res: http.ServerResponse, status: number, code: string, message: string) =>
    answer(res, status, { code, message });

  const transaction = (o: Order) => ({
    appid: o.appid,
    mchid: o.mchid,
    out_trade_no: o.out_trade_no,
    ...(o.transaction_id ? { transaction_id: o.transaction_id } : {}),
    trade_type: 'JSAPI',
    trade_state: o.trade_state,
    trade_state_desc: o.trade_state,
    ...(o.success_time ? { success_time: o.success_time, bank_type: 'OTHERS' } : {}),
    payer: { openid: o.openid },
    amount: { total: o.total, payer_total: o.total, currency: 'CNY', payer_currency: 'CNY' },
  });
  const refundView = (r: Refund, o: Order) => ({
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    transaction_id: o.transaction_id,
    out_trade_no: r.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    status: r.status,
    create_time: r.create_time,
    ...(r.success_time ? { success_time: r.success_time } : {}),
    amount: { total: o.total, refund: r.refund, payer_total: o.total, payer_refund: r.refund, currency: 'CNY' },
  });

  async function notify(url: string, event: string, resource: unknown, type: string, key: string, bad = false) {
    const target = api.notifyOrigin ? api.notifyOrigin + new URL(url).pathname : url;
    const body = JSON.stringify({
      id: randomBytes(16).toString('hex'),
      create_time: rfc3339(),
      resource_type: 'encrypt-resource',
      event_type: event,
      summary: event.startsWith('REFUND') ? '退款结果' : '支付成功',
      resource: encrypt(resource, type),
    });
    let status = 0;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed(body, bad) },
        body,
      });
      status = res.status;
      await res.text();
    } catch {
      status = -1;
    }
    api.notified.push({ event, key, status });
  }

  const notifyRefund = (r: Refund) => {
    const o = api.orders.get(r.out_trade_no)!;
    const resource = {
      mchid: TEST_PAY.mchid,
      out_trade_no: r.out_trade_no,
      transaction_id: o.transaction_id,
      out_refund_no: r.out_refund_no,
      refund_id: r.refund_id,
      refund_status: r.status,
      ...(r.success_time ? { success_time: r.success_time } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: o.total, refund: r.refund, payer_total: o.total, payer_refund: r.refund },
    };
    return notify(r.notify_url, `REFUND.${r.status}`, resource, 'refund', r.out_refund_no);
  };
  const settle = (r: Refund, status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL') => {
    r.status = status;
    if (status === 'SUCCESS') r.success_time = rfc3339();
    const o = api.orders.get(r.out_trade_no)!;
    if (status === 'SUCCESS') o.trade_state = 'REFUND';
  };

  const api: FakePay = {
    orders: new Map(),
    refunds: new Map(),
    notified: [],
    notifyOrigin: null,
    refundMode: 'async',
    async pay(outTradeNo, mode = 'normal', opts = {}) {
      const o = api.orders.get(outTradeNo);
      if (!o) throw new Error(`no order ${outTradeNo}`);
      if (mode === 'fail') {
        o.trade_state = 'PAYERROR';
        return;
      }
      if (o.trade_state === 'NOTPAY') {
        o.trade_state = 'SUCCESS';
        o.transaction_id = `42000${Date.now()}${randomBytes(4).toString('hex')}`;
        o.success_time = rfc3339();
      }
      if (mode === 'none') return;
      const send = () =>
        notify(
          o.notify_url,
          'TRANSACTION.SUCCESS',
          transaction(o),
          'transaction',
          outTradeNo,
          mode === 'bad_signature',
        );
      if (mode === 'delay') {
        void sleep(opts.delayMs ?? 200).then(send);
        return;
      }
      const n = mode === 'duplicate' ? (opts.count ?? 20) : 1;
      await Promise.all(Array.from({ length: n }, send));
    },
    async finishRefund(outRefundNo, status) {
      const r = api.refunds.get(outRefundNo);
      if (!r) throw new Error(`no refund ${outRefundNo}`);
      settle(r, status);
      await notifyRefund(r);
    },
    async handle(req, res, url, raw) {
      if (!authorized(req, url, raw)) return fail(res, 401, 'SIGN_ERROR', 'signature verification failed');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- WeChat Pay's request shapes, checked field by field below
      const body = raw ? (JSON.parse(raw) as Record<string, any>) : {};
      const p = url.pathname;
      if (req.method === 'POST' && p === '/v3/pay/transactions/jsapi') {
        if (
          !body.out_trade_no ||
          !body.amount?.total ||
          !body.payer?.openid ||
          !body.notify_url ||
          body.mchid !== TEST_PAY.mchid
        )
          return fail(res, 400, 'PARAM_ERROR', 'missing or wrong parameter');
        const had = api.orders.get(body.out_trade_no);
        if (had) {
          if (had.total !== body.amount.total || had.openid !== body.payer.openid)
            return fail(res, 400, 'INVALID_REQUEST', 'out_trade_no used with other parameters');
          if (had.trade_state !== 'NOTPAY') return fail(res, 400, 'ORDERPAID', 'order paid or closed');
          return answer(res, 200, { prepay_id: had.prepay_id });
        }
        const o: Order = {
          appid: body.appid,
          mchid: body.mchid,
          out_trade_no: body.out_trade_no,
          description: body.description,
          notify_url: body.notify_url,
          total: body.amount.total,
          openid: body.payer.openid,
          prepay_id: `wx${Date.now()}${randomBytes(8).toString('hex')}`,
          trade_state: 'NOTPAY',
        };
        api.orders.set(o.out_trade_no, o);
        return answer(res, 200, { prepay_id: o.prepay_id });
      }
      const m = p.match(/^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/);
      if (m) {
        const o = api.orders.get(decodeURIComponent(m[1]));
        if (!o) return fail(res, 404, 'ORDER_NOT_EXIST', 'order does not exist');
        if (!m[2]) return answer(res, 200, transaction(o));
        if (o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND') return fail(res, 400, 'ORDERPAID', 'order paid');
        o.trade_state = 'CLOSED';
        return answer(res, 204);
      }
      if (req.method === 'POST' && p === '/v3/refund/domestic/refunds') {
        const o = api.orders.get(body.out_trade_no);
        if (!o) return fail(res, 404, 'RESOURCE_NOT_EXISTS', 'order does not exist');
        const had = api.refunds.get(body.out_refund_no);
        if (had) return answer(res, 200, refundView(had, o));
        if (o.trade_state !== 'SUCCESS' && o.trade_state !== 'REFUND')
          return fail(res, 403, 'TRADE_ERROR', 'order not paid');
        const taken = [...api.refunds.values()].filter(
          (r) => r.out_trade_no === o.out_trade_no && r.status !== 'CLOSED',
        );
        if (body.amount?.total !== o.total || taken.reduce((s, r) => s + r.refund, 0) + body.amount.refund > o.total)
          return fail(res, 400, 'INVALID_REQUEST', 'refund amount exceeds what is left');
        const r: Refund = {
          out_refund_no: body.out_refund_no,
          out_trade_no: o.out_trade_no,
          refund_id: `50300${Date.now()}${randomBytes(4).toString('hex')}`,
          refund: body.amount.refund,
          status: 'PROCESSING',
          notify_url: body.notify_url,
          create_time: rfc3339(),
        };
        api.refunds.set(r.out_refund_no, r);
        const mode = api.refundMode;
        if (mode === 'sync') settle(r, 'SUCCESS');
        answer(res, 200, refundView(r, o));
        if (mode === 'sync') await notifyRefund(r);
        else if (mode !== 'hold')
          void sleep(20).then(() =>
            api.finishRefund(
              r.out_refund_no,
              mode === 'close' ? 'CLOSED' : mode === 'abnormal' ? 'ABNORMAL' : 'SUCCESS',
            ),
          );
        return;
      }
      const rq = p.match(/^\/v3\/refund\/domestic\/refunds\/([^/]+)$/);
      if (rq && req.method === 'GET') {
        const r = api.refunds.get(decodeURIComponent(rq[1]));
        if (!r) return fail(res, 404, 'RESOURCE_NOT_EXISTS', 'refund does not exist');
        return answer(res, 200, refundView(r, api.orders.get(r.out_trade_no)!));
      }
      return fail(res, 404, 'NOT_FOUND', 'unknown api');
    },
  };
  return api;
}
