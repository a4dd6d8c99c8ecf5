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
import type { Settings } from '../settings/settings';
import type { WechatMessages } from '../wechat/messages';
import type { Inbox } from './inbox';
import { openidOf } from '../members/store';
import * as store from './store';
import type { OutboxRow } from './store';

const LEASE_MS = 60_000;

export interface DrainResult {
  claimed: number;
  sent: number;
  inbox: number;
  retried: number;
  parked: number;
  deferred: number;
}

/**
 * Delivers outbox rows at least once. A claim flips rows to 'sending' with a
 * lease (FOR UPDATE SKIP LOCKED on MySQL, so instances never take the same row;
 * SQLite runs one unit of work at a time). A worker that dies mid-send leaves
 * its rows to be claimed again when the lease runs out; nothing is lost.
 */
export class OutboxWorker {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly wechat: WechatMessages,
    private readonly inbox: Inbox,
    private readonly tz: string,
    private readonly logger: Logger,
    private readonly miniprogramState: 'developer' | 'trial' | 'formal',
  ) {}

  async claim(limit: number): Promise<OutboxRow[]> {
    return this.db.tx((q) => {
      const now = this.clock.now().getTime();
      return store.claimDueRows(q, now, limit, now + LEASE_MS);
    });
  }

  /** Claims and processes due rows until none are left (or `max` rows). */
  async drain(max = 10_000, batch = 50): Promise<DrainResult> {
    const total: DrainResult = { claimed: 0, sent: 0, inbox: 0, retried: 0, parked: 0, deferred: 0 };
    while (total.claimed < max) {
      const rows = await this.claim(Math.min(batch, max - total.claimed));
      if (!rows.length) break;
      total.claimed += rows.length;
      for (const row of rows) total[await this.process(row)]++;
    }
    return total;
  }

  async process(row: OutboxRow): Promise<'sent' | 'inbox' | 'retried' | 'parked' | 'deferred'> {
    const now = this.clock.now().getTime();
    const payload = JSON.parse(row.payload_json) as Record<string, unknown>;
    const cfg = await this.settings.get('notifications');
    const memberId = row.member_id === null ? null : Number(row.member_id);
    const member = memberId === null ? null : await this.db.read((q) => openidOf(q, memberId));
    if (memberId !== null && member)
      await this.db.tx((q) =>
        this.inbox.putIn(q, { memberId, kind: row.kind, dedupeKey: row.dedupe_key, payload }, now),
      );
    const tpl = cfg.templates[row.kind as keyof typeof cfg.templates];
    if (!member || member.status !== 'active' || !tpl)
      return this.finish(row.id, 'sent', 'inbox', null) as Promise<'inbox'>;

    const hour = localParts(new Date(now), this.tz).hour;
    if (inQuietHours(hour, cfg.quietHours.start, cfg.quietHours.end)) {
      await this.db.tx((q) => store.deferRow(q, row.id, this.quietEnd(now, cfg.quietHours.end)));
      return 'deferred';
    }
    const { data, errors } = renderFields(tpl.fields, { ...payload, date: businessDate(new Date(now), this.tz) });
    if (errors.length)
      return this.finish(row.id, 'parked', 'inbox', `invalid fields: ${errors.join('; ')}`) as Promise<'parked'>;

    const spent = await this.db.tx((q) => store.spendAllowance(q, memberId!, row.kind, now));
    if (!spent) return this.finish(row.id, 'sent', 'inbox', null) as Promise<'inbox'>; // no allowance: the inbox is the channel

    const outcome = await this.wechat.send({
      touser: member.openid,
      templateId: tpl.templateId,
      page: tpl.page,
      data,
      state: this.miniprogramState,
    });
    if (outcome.ok) return this.finish(row.id, 'sent', 'wechat', null) as Promise<'sent'>;
    const refund = (q: Q) => store.refundAllowance(q, memberId!, row.kind);
    if (outcome.action === 'no_allowance') {
      await this.db.tx((q) => store.clearAllowance(q, memberId!, row.kind));
      return this.finish(row.id, 'sent', 'inbox', outcome.reason) as Promise<'inbox'>;
    }
    if (outcome.action === 'park') {
      await this.db.tx(refund);
      return this.finish(row.id, 'parked', 'inbox', outcome.reason) as Promise<'parked'>;
    }
    const attempts = Number(row.attempts) + 1;
    await this.db.tx(refund);
    if (attempts >= cfg.maxAttempts)
      return this.finish(
        row.id,
        'parked',
        'inbox',
        `gave up after ${attempts} attempts: ${outcome.reason}`,
      ) as Promise<'parked'>;
    // Exponential backoff with jitter, capped at an hour.
    const delay = Math.min(3_600_000, 30_000 * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
    await this.db.tx((q) => store.retryRow(q, row.id, attempts, Math.round(now + delay), outcome.reason));
    this.logger.warn(
      { outboxId: row.id, kind: row.kind, attempts, reason: outcome.reason },
      'notification send failed, will retry',
    );
    return 'retried';
  }

  private async finish(
    id: number,
    status: 'sent' | 'parked',
    channel: 'wechat' | 'inbox',
    reason: string | null,
  ): Promise<'sent' | 'inbox' | 'parked'> {
    const now = this.clock.now().getTime();
    await this.db.tx((q) => store.finishRow(q, id, status, channel, status === 'sent' ? now : null, reason));
    if (status === 'parked') this.logger.warn({ outboxId: id, reason }, 'notification parked');
    return status === 'parked' ? 'parked' : channel === 'wechat' ? 'sent' : 'inbox';
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
