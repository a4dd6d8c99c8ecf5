import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { scrapeRead } from './scrape-read';
import { createPayMetrics, noPayMetrics, type PayMetrics } from './metrics-pay';

/**
 * Prometheus metrics. One `Metrics` per composed app (compose.ts), each with its
 * own registry, so tests that build several apps in one process never share
 * series. Business code records through the methods below, which never throw into
 * the caller; `noMetrics` does nothing (for code built without compose).
 * Labels are bounded: a route is its template (`unmatched` when no route matched),
 * never the URL; job names, outbox kinds and WeChat errcodes are finite sets.
 */
export interface PoolStats {
  /** Connections (SQLite: the one writer) held by units of work right now. */
  inUse: number;
  idle: number;
  /** Units of work waiting for a connection (SQLite: for their turn on the writer). */
  waiting: number;
}

export interface OutboxDue {
  /** Pending rows whose time has come (capped by the query: a floor past the cap). */
  due: number;
  /** How long the oldest of them has been due; 0 when none is. */
  oldestDueAgeSeconds: number;
}

export type JobOutcome = 'done' | 'failed' | 'stopped' | 'lease_lost';
/** The WeChat API called, named after its path's last segment (a constant at each call site). */
export type WechatApi = string;

export interface Metrics extends PayMetrics {
  httpRequest(method: string, route: string | undefined, status: number, seconds: number): void;
  /** A unit of work refused a connection (503 OVERLOADED). */
  dbOverloaded(): void;
  /** A unit of work about to run again; `code` from db/errors.ts retryCode. */
  dbRetry(code: string): void;
  /** One outbox row processed by this instance's worker ('lost' also counts a lost lease). */
  outboxRow(outcome: string, kind: string): void;
  jobRun(job: string, outcome: JobOutcome, seconds: number, endedAt: Date): void;
  /** A lease this instance held was taken over (kind: the job name, or `outbox`). */
  leaseLost(kind: string): void;
  /** One call to WeChat: its errcode (0 = success), `http_<status>` or `network`. */
  wechatCall(api: WechatApi, result: number | string): void;
  /** Read at scrape time. */
  watchPool(read: () => PoolStats): void;
  watchOutbox(read: () => Promise<OutboxDue>): void;
  /** Leases held by this instance, per kind (a kind listed with 0 keeps its series). */
  watchLeases(read: () => Iterable<readonly [kind: string, held: number]>): void;
  /** Node process metrics (CPU, memory, event loop, GC), only where they are exposed. */
  collectProcessMetrics(): void;
  /** The text exposition format. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * The label of a WeChat call's result: `http_<status>` when the HTTP status was
 * not 2xx, else the errcode read from the body (callers pass 0 when it has none),
 * and `network` when no answer was read (status 0 or errcode undefined: a timeout,
 * a refused connection, a body that is not JSON).
 */
export function wechatResult(httpStatus: number, errcode?: number): number | string {
  if (httpStatus && (httpStatus < 200 || httpStatus >= 300)) return `http_${httpStatus}`;
  return httpStatus && typeof errcode === 'number' ? errcode : 'network';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
// Strings made once, so labelling a request allocates nothing of its own.
const STATUS = Array.from({ length: 600 }, (_, i) => String(i));
const STATUS_CLASS = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/** How long the outbox figures are reused: a scrape storm costs the database one query per interval. */
const OUTBOX_CACHE_MS = 5_000;
/** A scrape never waits longer than this for the outbox query; the last figures stand meanwhile. */
const OUTBOX_WAIT_MS = 3_000;

function safe<A extends unknown[]>(fn: (...a: A) => void): (...a: A) => void {
  return (...a: A) => {
    try {
      fn(...a);
    } catch {
      // A metric must never fail the work it measures.
    }
  };
}

export function createMetrics(opts: { outboxCacheMs?: number } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const p = 'huiyuan_';
  const pools: (() => PoolStats)[] = [];
  const leaseSources: (() => Iterable<readonly [string, number]>)[] = [];
  let outboxSource: (() => Promise<OutboxDue>) | null = null;

  const http = new Histogram({
    name: `${p}http_request_duration_seconds`,
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status_class', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const pool = (name: string, help: string, pick: (s: PoolStats) => number) =>
    new Gauge({
      name: `${p}db_${name}`,
      help,
      registers,
      collect() {
        try {
          this.set(pools.reduce((n, read) => n + pick(read()), 0));
        } catch {
          // A scrape shows the last value rather than failing.
        }
      },
    });
  pool('connections_in_use', 'Database connections held by units of work', (s) => s.inUse);
  pool('connections_idle', 'Open database connections nobody holds', (s) => s.idle);
  pool('units_waiting', 'Units of work waiting for a database connection', (s) => s.waiting);
  const overloaded = new Counter({
    name: `${p}db_overloaded_total`,
    help: 'Units of work refused for want of a connection (503 OVERLOADED)',
    registers,
  });
  const retries = new Counter({
    name: `${p}db_tx_retries_total`,
    help: 'Units of work run again, by cause',
    labelNames: ['code'] as const,
    registers,
  });

  const outboxRead = scrapeRead<OutboxDue>(opts.outboxCacheMs ?? OUTBOX_CACHE_MS, OUTBOX_WAIT_MS);
  /** The outbox figures, from the cache or one shared query, or the last ones when the query is slow or fails. */
  const outboxNow = async (): Promise<OutboxDue | null> => (outboxSource ? outboxRead(outboxSource) : null);
  new Gauge({
    name: `${p}outbox_due_rows`,
    help: 'Outbox rows due for delivery now (at most 10000 are counted)',
    registers,
    async collect() {
      const v = await outboxNow();
      if (v) this.set(v.due);
    },
  });
  new Gauge({
    name: `${p}outbox_oldest_due_age_seconds`,
    help: 'How long the oldest due outbox row has waited past its time',
    registers,
    async collect() {
      const v = await outboxNow();
      if (v) this.set(v.oldestDueAgeSeconds);
    },
  });
  const outboxRows = new Counter({
    name: `${p}outbox_rows_total`,
    help: 'Outbox rows processed by this instance, by outcome and kind',
    labelNames: ['outcome', 'kind'] as const,
    registers,
  });

  const jobSuccess = new Gauge({
    name: `${p}job_last_success_timestamp_seconds`,
    help: 'When each job last finished successfully on this instance (Unix seconds)',
    labelNames: ['job'] as const,
    registers,
  });
  const jobDuration = new Gauge({
    name: `${p}job_last_duration_seconds`,
    help: 'How long the last run of each job on this instance took',
    labelNames: ['job'] as const,
    registers,
  });
  const jobRuns = new Counter({
    name: `${p}job_runs_total`,
    help: 'Job runs on this instance by outcome',
    labelNames: ['job', 'outcome'] as const,
    registers,
  });
  const leaseLost = new Counter({
    name: `${p}lease_lost_total`,
    help: 'Leases this instance held that another instance took over',
    labelNames: ['kind'] as const,
    registers,
  });
  new Gauge({
    name: `${p}leases_held`,
    help: 'Leases this instance holds now, per kind (job name, or outbox claims)',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      try {
        for (const read of leaseSources) for (const [kind, n] of read()) this.set({ kind }, n);
      } catch {
        // As for the pool: the last values stand.
      }
    },
  });
  const wechat = new Counter({
    name: `${p}wechat_calls_total`,
    help: 'Calls to the WeChat API by API and errcode (0 success; http_<status> or network for transport)',
    labelNames: ['api', 'errcode'] as const,
    registers,
  });

  const pay = createPayMetrics(registers, p);

  let processMetrics = false;
  return {
    payOrder: safe(pay.payOrder),
    payRefund: safe(pay.payRefund),
    payNotifyRefused: safe(pay.payNotifyRefused),
    payApiError: safe(pay.payApiError),
    watchPaidMembers: pay.watchPaidMembers,
    httpRequest: safe((method: string, route: string | undefined, status: number, seconds: number) => {
      const s = status >= 100 && status < 600 ? status : 500;
      http
        .labels(
          METHODS.has(method) ? method : 'other',
          // No route matched: a file of a static build when answered, else `unmatched`.
          route ?? (s < 400 ? 'static' : 'unmatched'),
          STATUS_CLASS[Math.floor(s / 100)],
          STATUS[s],
        )
        .observe(seconds);
    }),
    dbOverloaded: safe(() => overloaded.inc()),
    dbRetry: safe((code: string) => retries.labels(code).inc()),
    outboxRow: safe((outcome: string, kind: string) => {
      outboxRows.labels(outcome, kind).inc();
      if (outcome === 'lost') leaseLost.labels('outbox').inc();
    }),
    jobRun: safe((job: string, outcome: JobOutcome, seconds: number, endedAt: Date) => {
      jobRuns.labels(job, outcome).inc();
      if (outcome === 'done' || outcome === 'failed') jobDuration.labels(job).set(seconds);
      if (outcome === 'done') jobSuccess.labels(job).set(endedAt.getTime() / 1000);
    }),
    leaseLost: safe((kind: string) => leaseLost.labels(kind).inc()),
    wechatCall: safe((api: WechatApi, result: number | string) => wechat.labels(api, String(result)).inc()),
    watchPool: (read) => void pools.push(read),
    watchOutbox: (read) => {
      outboxSource = read;
    },
    watchLeases: (read) => void leaseSources.push(read),
    collectProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry, prefix: p });
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

const nothing = () => undefined;
/** Records nothing: for services built outside compose (unit tests, scripts). */
export const noMetrics: Metrics = {
  ...noPayMetrics,
  httpRequest: nothing,
  dbOverloaded: nothing,
  dbRetry: nothing,
  outboxRow: nothing,
  jobRun: nothing,
  leaseLost: nothing,
  wechatCall: nothing,
  watchPool: nothing,
  watchOutbox: nothing,
  watchLeases: nothing,
  collectProcessMetrics: nothing,
  scrape: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' }),
};
