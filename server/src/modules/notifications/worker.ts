import { randomUUID } from 'node:crypto';
import {
  inQuietHours,
  localParts,
  renderFields,
  startOfLocalDay,
  addDaysToIsoDate,
  businessDate,
  parseIsoDate,
} from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { noMetrics, type Metrics } from '../../core/metrics';
import type { Settings } from '../settings/settings';
import type { WechatMessages } from '../wechat/messages';
import type { Inbox } from './inbox';
import { openidOf } from '../members/store';
import * as store from './store';
import type { OutboxRow } from './store';

/** How long a claim holds its rows before another worker may take them over. */
const LEASE_MS = 60_000;
/** Rows of one claimed batch in flight at once (each is a few commits and a WeChat call). */
const CONCURRENCY = 8;
/** Kinds that ask the member for something within minutes: sent in quiet hours too, dropped once lapsed. */
const TIMELY = new Set(['lookup_request']);

export type Outcome = 'sent' | 'inbox' | 'retried' | 'parked' | 'deferred' | 'lost';

export interface DrainResult {
  claimed: number;
  sent: number;
  inbox: number;
  retried: number;
  parked: number;
  deferred: number;
  /** Rows another worker took over (their lease lapsed): left alone, never sent by this one. */
  lost: number;
}

/**
 * Delivers outbox rows at least once, safely with several workers on several
 * instances. Each drain claims rows under its own owner token (instance id +
 * random) with a lease on the database's clock; every later step on a row
 * (defer, retry, finish) is fenced on that owner, and just before the WeChat
 * call the lease is renewed, in the transaction that spends the allowance, to
 * cover the longest the call can take: a row whose lease lapsed while earlier
 * rows of the batch were slow is dropped by this worker if another took it, so
 * a slow WeChat never makes a message go out twice. A worker that dies leaves
 * its rows to be taken over when their lease lapses; `stop()` hands them back
 * at once.
 */
export class OutboxWorker {
  readonly instance = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly active = new Set<Promise<DrainResult>>();
  private stopping = false;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly metrics: Metrics;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly wechat: WechatMessages,
    private readonly inbox: Inbox,
    private readonly tz: string,
    private readonly logger: Logger,
    private readonly miniprogramState: 'developer' | 'trial' | 'formal',
    opts: { leaseMs?: number; concurrency?: number; metrics?: Metrics } = {},
  ) {
    this.leaseMs = opts.leaseMs ?? LEASE_MS;
    this.concurrency = Math.max(1, opts.concurrency ?? CONCURRENCY);
    this.metrics = opts.metrics ?? noMetrics;
  }

  /** Drains under way here, each holding its claim (an owner token with a lease on its rows). */
  claims(): number {
    return this.active.size;
  }

  /** Pending rows due now and how long the oldest has waited, for the metrics (cheap: the status index). */
  async due(): Promise<{ due: number; oldestDueAgeSeconds: number }> {
    const now = this.clock.now().getTime();
    const r = await this.db.read((q) => store.dueSummary(q, now, 10_000));
    return { due: r.due, oldestDueAgeSeconds: r.oldest === null ? 0 : Math.max(0, (now - r.oldest) / 1000) };
  }

  /** A fresh claim token: rows claimed under it are this drain's alone. */
  newOwner(): string {
    return `${this.instance}:${randomUUID().slice(0, 12)}`;
  }

  async claim(owner: string, limit: number): Promise<OutboxRow[]> {
    return this.db.tx((q) => store.claimDueRows(q, owner, this.clock.now().getTime(), limit, this.leaseMs));
  }

  /**
   * Claims and processes due rows until none are left (or `max` rows, or the
   * signal aborts, or `stop()`): short batches, so a claim holds few rows.
   */
  drain(max = 10_000, batch = 50, signal?: AbortSignal): Promise<DrainResult> {
    const run = this.drainAs(this.newOwner(), max, batch, signal).finally(() => this.active.delete(run));
    this.active.add(run);
    return run;
  }

  /** Ends every drain after its current row, waits for them, and hands their unfinished rows back. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.active]);
  }

  private async drainAs(owner: string, max: number, batch: number, signal?: AbortSignal): Promise<DrainResult> {
    const total: DrainResult = { claimed: 0, sent: 0, inbox: 0, retried: 0, parked: 0, deferred: 0, lost: 0 };
    const halted = () => this.stopping || !!signal?.aborted;
    try {
      while (total.claimed < max && !halted()) {
        const rows = await this.claim(owner, Math.min(batch, max - total.claimed));
        if (!rows.length) break;
        total.claimed += rows.length;
        // A member's rows in claim order, one after the other; different members side by side, so
        // a batch costs a few round trips of latency rather than one per row.
        const lanes = new Map<string, OutboxRow[]>();
        for (const row of rows) {
          const key = row.member_id === null ? `row:${row.id}` : `member:${row.member_id}`;
          lanes.set(key, [...(lanes.get(key) ?? []), row]);
        }
        const queue = [...lanes.values()];
        const lane = async () => {
          for (let next = queue.shift(); next; next = queue.shift())
            for (const row of next) {
              if (halted()) return;
              const outcome = await this.process(row, owner);
              total[outcome]++;
              this.metrics.outboxRow(outcome, row.kind);
            }
        };
        // Every lane settles before any error goes up: the release below must not pull rows from under a send.
        const settled = await Promise.allSettled(
          Array.from({ length: Math.min(this.concurrency, queue.length) }, lane),
        );
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } finally {
      // Rows claimed but not processed (stopped mid-batch, or an error) go back now, not at lease end.
      await this.db.tx((q) => store.releaseRows(q, owner)).catch(() => undefined);
    }
    return total;
  }

  async process(row: OutboxRow, owner: string): Promise<Outcome> {
    const now = this.clock.now().getTime();
    const payload = JSON.parse(row.payload_json) as Record<string, unknown>;
    const cfg = await this.settings.get('notifications');
    const memberId = row.member_id === null ? null : Number(row.member_id);
    const member = memberId === null ? null : await this.db.read((q) => openidOf(q, memberId));
    // The inbox copy is keyed by the dedupe key: a worker that later loses the row writes nothing twice.
    if (memberId !== null && member)
      await this.db.tx((q) =>
        this.inbox.putIn(q, { memberId, kind: row.kind, dedupeKey: row.dedupe_key, payload }, now),
      );
    const tpl = cfg.templates[row.kind as keyof typeof cfg.templates];
    if (!member || member.status !== 'active' || !tpl) return this.finish(row.id, owner, 'sent', 'inbox', null);

    // A request waiting for the member (a counter lookup) goes out at once, quiet hours or not, and never late.
    const timely = TIMELY.has(row.kind);
    const waitsUntil = typeof payload.expiresAt === 'string' ? Date.parse(payload.expiresAt) : NaN;
    if (timely && !(waitsUntil > now)) return this.finish(row.id, owner, 'sent', 'inbox', 'expired');
    const hour = localParts(new Date(now), this.tz).hour;
    if (!timely && inQuietHours(hour, cfg.quietHours.start, cfg.quietHours.end)) {
      const n = await this.db.tx((q) => store.deferRow(q, row.id, owner, this.quietEnd(now, cfg.quietHours.end)));
      return n === 1 ? 'deferred' : 'lost';
    }
    const { data, errors } = renderFields(tpl.fields, { ...payload, date: businessDate(new Date(now), this.tz) });
    if (errors.length) return this.finish(row.id, owner, 'parked', 'inbox', `invalid fields: ${errors.join('; ')}`);

    // Renew the lease to outlast the call, and only then spend the allowance: both or neither.
    const spent = await this.db.tx(async (q) => {
      if (!(await store.renewRow(q, row.id, owner, this.leaseMs + this.wechat.maxSendMs()))) return 'lost' as const;
      return store.spendAllowance(q, memberId!, row.kind, now);
    });
    if (spent === 'lost') return this.lost(row.id);
    if (!spent) return this.finish(row.id, owner, 'sent', 'inbox', null); // no allowance: the inbox is the channel

    const outcome = await this.wechat.send({
      touser: member.openid,
      templateId: tpl.templateId,
      page: tpl.page,
      data,
      state: this.miniprogramState,
    });
    if (outcome.ok) return this.finish(row.id, owner, 'sent', 'wechat', null);
    const refund = (q: Q) => store.refundAllowance(q, memberId!, row.kind);
    if (outcome.action === 'no_allowance') {
      await this.db.tx((q) => store.clearAllowance(q, memberId!, row.kind));
      return this.finish(row.id, owner, 'sent', 'inbox', outcome.reason);
    }
    if (outcome.action === 'park') {
      await this.db.tx(refund);
      return this.finish(row.id, owner, 'parked', 'inbox', outcome.reason);
    }
    const attempts = Number(row.attempts) + 1;
    await this.db.tx(refund);
    if (attempts >= cfg.maxAttempts)
      return this.finish(row.id, owner, 'parked', 'inbox', `gave up after ${attempts} attempts: ${outcome.reason}`);
    // Exponential backoff with jitter, capped at an hour.
    const delay = Math.min(3_600_000, 30_000 * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
    const n = await this.db.tx((q) =>
      store.retryRow(q, row.id, owner, attempts, Math.round(now + delay), outcome.reason),
    );
    if (n !== 1) return this.lost(row.id);
    this.logger.warn(
      { outboxId: row.id, kind: row.kind, attempts, reason: outcome.reason },
      'notification send failed, will retry',
    );
    return 'retried';
  }

  /** Ends a row this worker owns; 'lost' when it owns it no more (nothing changed). */
  private async finish(
    id: number,
    owner: string,
    status: 'sent' | 'parked',
    channel: 'wechat' | 'inbox',
    reason: string | null,
  ): Promise<Outcome> {
    const now = this.clock.now().getTime();
    const n = await this.db.tx((q) =>
      store.finishRow(q, id, owner, status, channel, status === 'sent' ? now : null, reason),
    );
    if (n !== 1) return this.lost(id);
    if (status === 'parked') this.logger.warn({ outboxId: id, reason }, 'notification parked');
    return status === 'parked' ? 'parked' : channel === 'wechat' ? 'sent' : 'inbox';
  }

  private lost(id: number): 'lost' {
    this.logger.warn({ outboxId: id }, 'outbox row taken over by another worker; left alone');
    return 'lost';
  }

  private quietEnd(now: number, endHour: number): number {
    const today = businessDate(new Date(now), this.tz);
    for (const d of [today, addDaysToIsoDate(today, 1)]) {
      const p = parseIsoDate(d)!;
      const at = startOfLocalDay(p.year, p.month, p.day, this.tz).getTime() + endHour * 3_600_000;
      if (at > now) return at;
    }
    return now + 3_600_000;
  }
}
