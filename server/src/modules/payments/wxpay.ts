import { AppError } from '../../core/errors';
import type { PayConfig } from '../../core/pay-config';
import { noPayMetrics, type PayMetrics } from '../../core/metrics-pay';
import { authorization, nonce, verifySigned } from './crypto';

/**
 * WeChat Pay API v3 client: signs every request with the merchant key and checks
 * WeChat Pay's signature on every answer (a forged answer could otherwise mark an
 * order paid). Answers are WeChat's own shapes; the service maps them.
 * Network failures and 5xx are PAY_UNAVAILABLE (try again); 4xx are `WxPayError`.
 */

export interface WxTransaction {
  out_trade_no: string;
  transaction_id?: string;
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
  trade_state_desc?: string;
  success_time?: string;
  amount?: { total: number; payer_total?: number; currency?: string };
  payer?: { openid: string };
  mchid?: string;
  appid?: string;
}

export interface WxRefund {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  transaction_id?: string;
  status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
  success_time?: string;
  create_time?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency?: string };
}

/** A 4xx answer of WeChat Pay: its code (ORDER_NOT_EXIST, ORDER_CLOSED, NOT_ENOUGH, ...) and HTTP status. */
export class WxPayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'WxPayError';
  }
}

export class WxPayClient {
  constructor(
    private readonly cfg: PayConfig,
    /** Wall time in seconds for signatures: real time, not the business clock tests move. */
    private readonly nowS: () => number = () => Math.floor(Date.now() / 1000),
    private readonly metrics: PayMetrics = noPayMetrics,
  ) {}

  jsapi(order: {
    out_trade_no: string;
    description: string;
    amountFen: number;
    openid: string;
    timeExpire: string;
  }): Promise<{ prepay_id: string }> {
    return this.call('jsapi', 'POST', '/v3/pay/transactions/jsapi', {
      appid: this.cfg.appId,
      mchid: this.cfg.mchid,
      description: order.description,
      out_trade_no: order.out_trade_no,
      time_expire: order.timeExpire,
      notify_url: this.cfg.notifyUrl,
      amount: { total: order.amountFen, currency: 'CNY' },
      payer: { openid: order.openid },
    }) as Promise<{ prepay_id: string }>;
  }

  query(outTradeNo: string): Promise<WxTransaction> {
    const q = new URLSearchParams({ mchid: this.cfg.mchid });
    return this.call(
      'query',
      'GET',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?${q}`,
    ) as Promise<WxTransaction>;
  }

  async close(outTradeNo: string): Promise<void> {
    await this.call('close', 'POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, {
      mchid: this.cfg.mchid,
    });
  }

  refund(r: { outTradeNo: string; outRefundNo: string; reason: string; refundFen: number; totalFen: number }) {
    return this.call('refund', 'POST', '/v3/refund/domestic/refunds', {
      out_trade_no: r.outTradeNo,
      out_refund_no: r.outRefundNo,
      reason: r.reason,
      notify_url: this.cfg.notifyUrl,
      amount: { refund: r.refundFen, total: r.totalFen, currency: 'CNY' },
    }) as Promise<WxRefund>;
  }

  queryRefund(outRefundNo: string): Promise<WxRefund> {
    return this.call(
      'query_refund',
      'GET',
      `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`,
    ) as Promise<WxRefund>;
  }

  /** `api` names the call in metrics (a constant: paths carry order numbers). */
  private async call(api: string, method: 'GET' | 'POST', pathAndQuery: string, payload?: unknown): Promise<unknown> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: authorization(this.cfg, method, pathAndQuery, body, this.nowS(), nonce()),
      'User-Agent': 'huiyuan-wxpay/1',
    };
    if (body) headers['Content-Type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.cfg.base + pathAndQuery, {
        method,
        headers,
        body: body || undefined,
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
      text = await res.text();
    } catch {
      this.metrics.payApiError(api, 'network');
      throw new AppError('PAY_UNAVAILABLE');
    }
    if (res.status >= 500) {
      this.metrics.payApiError(api, 'http_5xx');
      throw new AppError('PAY_UNAVAILABLE', undefined, { wxpayStatus: res.status });
    }
    // Error answers are signed too; an unsigned or badly signed answer is not WeChat Pay's.
    const verdict = verifySigned(
      {
        signature: res.headers.get('wechatpay-signature') ?? undefined,
        timestamp: res.headers.get('wechatpay-timestamp') ?? undefined,
        nonce: res.headers.get('wechatpay-nonce') ?? undefined,
        serial: res.headers.get('wechatpay-serial') ?? undefined,
      },
      text,
      { serial: this.cfg.platformSerial, publicKey: this.cfg.platformPublicKey },
      this.nowS(),
    );
    if (verdict !== 'ok') {
      this.metrics.payApiError(api, 'bad_signature');
      throw new AppError('PAY_UNAVAILABLE', 'The WeChat Pay answer is not signed by WeChat Pay');
    }
    if (res.status >= 400) {
      let err: { code?: string; message?: string } = {};
      try {
        err = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      this.metrics.payApiError(api, err.code ?? 'UNKNOWN');
      throw new WxPayError(res.status, err.code ?? 'UNKNOWN', err.message ?? '');
    }
    return text ? JSON.parse(text) : {};
  }
}
