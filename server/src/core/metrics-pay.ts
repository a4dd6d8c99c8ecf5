import { Counter, Gauge, type Registry } from 'prom-client';
import { scrapeRead } from './scrape-read';

/**
 * WeChat Pay's series, apart from metrics.ts to keep each file small. Recorded
 * after the unit of work that made the change committed (a retried unit of work
 * counts once). Labels are bounded: events and sources are constants, refund
 * states and WeChat Pay's error codes are WeChat's finite sets, the API is the
 * client method's name (never a path with an order number in it).
 */
export type PayOrderEvent = 'created' | 'paid' | 'closed';

export interface PayMetrics {
  /** An order made, confirmed paid (source notify|query) or closed (source: close). */
  payOrder(event: PayOrderEvent, source: string): void;
  /** A refund reached a state WeChat reported: SUCCESS, CLOSED or ABNORMAL. */
  payRefund(state: string): void;
  /** A notification answered 401 (reason: the signature check's verdict, or `resource` when it did not decrypt). */
  payNotifyRefused(reason: string): void;
  /** A WeChat Pay call that failed: WeChat's code for a 4xx, `http_5xx`, `network` or `bad_signature`. */
  payApiError(api: string, code: string): void;
  /** Members with a paid membership now, read when scraped (reused for PAID_MEMBERS_CACHE_MS). */
  watchPaidMembers(read: () => Promise<number>): void;
}

/** A scrape storm costs the database one count per interval; the figure moves slowly. */
export const PAID_MEMBERS_CACHE_MS = 30_000;
/** A scrape waits this long for the count, then shows the last figure (the count still lands in the cache). */
const PAID_MEMBERS_WAIT_MS = 2_000;

/** WeChat's codes are upper-case words; anything else (a proxy's page) is one label. */
const codeLabel = (code: string) => (/^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'other');
const TRANSPORT = new Set(['http_5xx', 'network', 'bad_signature']);
const REASONS = new Set(['serial', 'stale', 'signature', 'resource']);

export function createPayMetrics(registers: Registry[], p: string): PayMetrics {
  const orders = new Counter({
    name: `${p}pay_orders_total`,
    help: 'WeChat Pay orders created, confirmed paid (by source notify|query) and closed unpaid',
    labelNames: ['event', 'source'] as const,
    registers,
  });
  const refunds = new Counter({
    name: `${p}pay_refunds_total`,
    help: 'WeChat Pay refunds by the state they reached (SUCCESS, CLOSED, ABNORMAL)',
    labelNames: ['state'] as const,
    registers,
  });
  const refused = new Counter({
    name: `${p}pay_notify_refused_total`,
    help: 'WeChat Pay notifications refused (401) for a bad signature or undecryptable resource',
    labelNames: ['reason'] as const,
    registers,
  });
  const errors = new Counter({
    name: `${p}pay_api_errors_total`,
    help: 'Failed WeChat Pay API calls by API and code (WeChat code, http_5xx, network, bad_signature)',
    labelNames: ['api', 'code'] as const,
    registers,
  });
  let paidRead: (() => Promise<number>) | null = null;
  const paidNow = scrapeRead<number>(PAID_MEMBERS_CACHE_MS, PAID_MEMBERS_WAIT_MS);
  new Gauge({
    name: `${p}membership_paid_members`,
    help: 'Members whose paid membership is active now (the same figure on every instance)',
    registers,
    async collect() {
      if (!paidRead) return;
      const n = await paidNow(paidRead);
      if (n !== null) this.set(n);
    },
  });
  return {
    watchPaidMembers: (read) => {
      paidRead = read;
    },
    payOrder: (event, source) => orders.labels(event, source).inc(),
    payRefund: (state) => refunds.labels(codeLabel(state)).inc(),
    payNotifyRefused: (reason) => refused.labels(REASONS.has(reason) ? reason : 'other').inc(),
    payApiError: (api, code) => errors.labels(api, TRANSPORT.has(code) ? code : codeLabel(code)).inc(),
  };
}

export const noPayMetrics: PayMetrics = {
  payOrder: () => undefined,
  payRefund: () => undefined,
  payNotifyRefused: () => undefined,
  payApiError: () => undefined,
  watchPaidMembers: () => undefined,
};
