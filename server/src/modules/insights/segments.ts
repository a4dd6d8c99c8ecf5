import { DEFAULT_RFM_RULES, maskName, rfmScore, type Segment } from '@huiyuan/shared';
import type { Database } from '../../db/database';
import type { Clock } from '../../core/clock';

const DAY_MS = 86_400_000;
const CHUNK = 1000;
const WINDOW_DAYS = 365;

export interface MemberRow {
  memberId: string;
  maskedName: string;
  tier: string;
  lastActiveAt: string | null;
  recencyDays: number | null;
  frequency: number;
  monetaryCents: number;
  segment: string;
}

/**
 * RFM segments, recomputed in chunks of members (keyset on id): one aggregate
 * query over orders per chunk, scores from the shared rule, one multi-row
 * REPLACE per chunk. Nightly by the scheduler, or on demand by an operator.
 */
export class Segments {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async compute(): Promise<{ members: number; computedAt: Date; tookMs: number }> {
    const t0 = Date.now();
    const now = this.clock.now().getTime();
    const since = now - WINDOW_DAYS * DAY_MS;
    let after = 0;
    let members = 0;
    for (;;) {
      const ids = await this.db.read((q) =>
        q.all<{ id: number }>(`SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ${CHUNK}`, [after]),
      );
      if (!ids.length) break;
      const first = Number(ids[0].id);
      const last = Number(ids[ids.length - 1].id);
      await this.db.tx(async (q) => {
        const agg = await q.all<{ member_id: number; last_at: number; orders: number; net: number }>(
          `SELECT member_id, MAX(created_at) AS last_at, COUNT(*) AS orders, COALESCE(SUM(amount_cents - refunded_cents), 0) AS net
             FROM orders WHERE member_id BETWEEN ? AND ? AND created_at >= ? AND refunded_cents < amount_cents GROUP BY member_id`,
          [first, last, since],
        );
        const byMember = new Map(agg.map((a) => [Number(a.member_id), a]));
        const rows: unknown[] = [];
        for (const { id } of ids) {
          const a = byMember.get(Number(id));
          const recency = a ? Math.floor((now - Number(a.last_at)) / DAY_MS) : null;
          const s = rfmScore(
            { recencyDays: recency, frequency: a ? Number(a.orders) : 0, monetaryCents: a ? Number(a.net) : 0 },
            DEFAULT_RFM_RULES,
          );
          rows.push(
            Number(id),
            recency ?? -1,
            a ? Number(a.orders) : 0,
            a ? Number(a.net) : 0,
            s.r,
            s.f,
            s.m,
            s.segment,
            a ? Number(a.last_at) : null,
            now,
          );
        }
        const values = ids.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
        // REPLACE works the same on MySQL and SQLite: the row is the member's current score.
        await q.exec(
          `REPLACE INTO member_segments (member_id, recency_days, frequency, monetary_cents, r_score, f_score, m_score, segment, last_order_at, computed_at) VALUES ${values}`,
          rows,
        );
      });
      members += ids.length;
      after = last;
    }
    return { members, computedAt: new Date(now), tookMs: Date.now() - t0 };
  }

  async sizes(): Promise<{ computedAt: string | null; segments: { segment: Segment; members: number }[] }> {
    return this.db.read(async (q) => {
      const rows = await q.all<{ segment: Segment; n: number }>(
        'SELECT segment, COUNT(*) AS n FROM member_segments GROUP BY segment ORDER BY segment',
      );
      const at = await q.one<{ at: number | null }>('SELECT MAX(computed_at) AS at FROM member_segments');
      return {
        computedAt: at?.at ? new Date(Number(at.at)).toISOString() : null,
        segments: rows.map((r) => ({ segment: r.segment, members: Number(r.n) })),
      };
    });
  }

  async members(segment: string, limit: number): Promise<MemberRow[]> {
    return this.rows('s.segment = ?', [segment], limit);
  }

  /** Members with no purchase or points activity for `days` days (registered before that too). */
  async churn(days: number, limit: number): Promise<MemberRow[]> {
    const cutoff = this.clock.now().getTime() - days * DAY_MS;
    return this.rows(
      `m.created_at < ? AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.member_id = m.id AND e.type IN ('credit', 'debit', 'adjust') AND e.created_at >= ?)
       AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id AND o.created_at >= ?)`,
      [cutoff, cutoff, cutoff],
      limit,
    );
  }

  private async rows(where: string, params: unknown[], limit: number): Promise<MemberRow[]> {
    const rows = await this.db.read((q) =>
      q.all<{
        id: number;
        nickname: string | null;
        tier_code: string | null;
        last_active: number | null;
        recency_days: number | null;
        frequency: number | null;
        monetary_cents: number | null;
        segment: string | null;
      }>(
        `SELECT m.id, m.nickname, t.tier_code, (SELECT MAX(e.created_at) FROM points_entries e WHERE e.member_id = m.id AND e.type IN ('credit', 'debit', 'adjust')) AS last_active,
              s.recency_days, s.frequency, s.monetary_cents, s.segment
         FROM members m LEFT JOIN member_tiers t ON t.member_id = m.id LEFT JOIN member_segments s ON s.member_id = m.id
        WHERE m.status = 'active' AND ${where} ORDER BY m.id LIMIT ${Math.floor(limit)}`,
        params,
      ),
    );
    return rows.map((r) => ({
      memberId: String(r.id),
      maskedName: maskName(r.nickname),
      tier: r.tier_code ?? '',
      lastActiveAt: r.last_active ? new Date(Number(r.last_active)).toISOString() : null,
      recencyDays: r.recency_days === null || Number(r.recency_days) < 0 ? null : Number(r.recency_days),
      frequency: Number(r.frequency ?? 0),
      monetaryCents: Number(r.monetary_cents ?? 0),
      segment: r.segment ?? 'not_computed',
    }));
  }
}

/** RFC 4180 CSV; cells that start with = + - @ are prefixed so spreadsheets do not run them as formulas. */
export function toCsv(rows: MemberRow[]): string {
  const cols: (keyof MemberRow)[] = [
    'memberId',
    'maskedName',
    'tier',
    'segment',
    'recencyDays',
    'frequency',
    'monetaryCents',
    'lastActiveAt',
  ];
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
