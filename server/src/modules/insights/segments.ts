import { DEFAULT_RFM_RULES, maskName, rfmScore } from '@huiyuan/shared';
import type { Database, Q } from '../../db/database';
import type { Clock } from '../../core/clock';
import { accountStates, activeIdsRegisteredBefore, memberIdsAfter, nicknamesOf } from '../members/store';
import { activeSince, lastActivity } from '../points/store-reads';
import { membersWithOrdersSince, purchaseHistory } from '../checkout/store';
import { tierCodesOf } from '../tiers/store';
import { replaceSegments, segmentMemberIds, segmentSizes, segmentsOf, type SegmentRow } from './store';

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
 * Of active members registered before `cutoff`, walked by id after `after` (`scan`
 * ids per call), those with no purchase and no points activity since `cutoff`.
 * `last` is the last id looked at, where the next call starts (null: no more).
 */
export async function inactiveMembers(
  q: Q,
  after: number,
  cutoff: number,
  scan: number,
): Promise<{ ids: number[]; last: number | null }> {
  const ids = await activeIdsRegisteredBefore(q, after, cutoff, scan);
  if (!ids.length) return { ids, last: null };
  const active = await activeSince(q, ids, cutoff);
  const bought = await membersWithOrdersSince(
    q,
    ids.filter((id) => !active.has(id)),
    cutoff,
  );
  return { ids: ids.filter((id) => !active.has(id) && !bought.has(id)), last: ids[ids.length - 1] };
}

/**
 * RFM segments, recomputed in chunks of members (keyset on id): one aggregate
 * read of purchases per chunk, scores from the shared rule, one multi-row
 * replace per chunk. Nightly by the scheduler, or on demand by an operator.
 */
export class Segments {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * `from` resumes after a member id; `onChunk` runs after each chunk (the
   * nightly job's checkpoint, which throws to stop a run that lost its lease).
   */
  async compute(
    opts: { from?: number; onChunk?: (after: number, members: number) => Promise<void> } = {},
  ): Promise<{ members: number; computedAt: Date; tookMs: number }> {
    const t0 = Date.now();
    const now = this.clock.now().getTime();
    const since = now - WINDOW_DAYS * DAY_MS;
    let after = opts.from ?? 0;
    let members = 0;
    for (;;) {
      const ids = await this.db.read((q) => memberIdsAfter(q, after, CHUNK));
      if (!ids.length) break;
      const first = ids[0];
      const last = ids[ids.length - 1];
      await this.db.tx(async (q) => {
        const history = await purchaseHistory(q, first, last, since);
        const rows: SegmentRow[] = ids.map((id) => {
          const h = history.get(id);
          const recencyDays = h ? Math.floor((now - h.lastAt) / DAY_MS) : null;
          const frequency = h?.orders ?? 0;
          const monetaryCents = h?.netCents ?? 0;
          const s = rfmScore({ recencyDays, frequency, monetaryCents }, DEFAULT_RFM_RULES);
          return {
            memberId: id,
            recencyDays,
            frequency,
            monetaryCents,
            r: s.r,
            f: s.f,
            m: s.m,
            segment: s.segment,
            lastOrderAt: h?.lastAt ?? null,
            computedAt: now,
          };
        });
        await replaceSegments(q, rows);
      });
      members += ids.length;
      after = last;
      await opts.onChunk?.(after, members);
    }
    return { members, computedAt: new Date(now), tookMs: Date.now() - t0 };
  }

  async sizes() {
    const s = await this.db.read((q) => segmentSizes(q));
    return { computedAt: s.computedAt ? new Date(s.computedAt).toISOString() : null, segments: s.segments };
  }

  /** Active members of a segment, by id. */
  async members(segment: string, limit: number): Promise<MemberRow[]> {
    return this.db.read(async (q) => {
      const found: number[] = [];
      for (let after = 0; found.length < limit;) {
        const ids = await segmentMemberIds(q, segment, after, CHUNK);
        if (!ids.length) break;
        const active = new Set(
          (await accountStates(q, ids)).filter((a) => a.status === 'active').map((a) => Number(a.id)),
        );
        found.push(...ids.filter((id) => active.has(id)));
        after = ids[ids.length - 1];
      }
      return this.rows(q, found.slice(0, Math.floor(limit)));
    });
  }

  /** Members with no purchase or points activity for `days` days (registered before that too). */
  async churn(days: number, limit: number): Promise<MemberRow[]> {
    const cutoff = this.clock.now().getTime() - days * DAY_MS;
    return this.db.read(async (q) => {
      const found: number[] = [];
      for (let after = 0; found.length < limit;) {
        const chunk = await inactiveMembers(q, after, cutoff, CHUNK);
        if (chunk.last === null) break;
        found.push(...chunk.ids);
        after = chunk.last;
      }
      return this.rows(q, found.slice(0, Math.floor(limit)));
    });
  }

  /** The list rows of these members, in the given order: each owner read once for the whole list. */
  private async rows(q: Q, ids: number[]): Promise<MemberRow[]> {
    if (!ids.length) return [];
    const names = await nicknamesOf(q, ids);
    const tiers = await tierCodesOf(q, ids);
    const lastActive = await lastActivity(q, ids);
    const scores = await segmentsOf(q, ids);
    return ids.map((id) => {
      const s = scores.get(id);
      const at = lastActive.get(id);
      return {
        memberId: String(id),
        maskedName: maskName(names.get(id) ?? null),
        tier: tiers.get(id) ?? '',
        lastActiveAt: at ? new Date(at).toISOString() : null,
        recencyDays: s?.recencyDays ?? null,
        frequency: s?.frequency ?? 0,
        monetaryCents: s?.monetaryCents ?? 0,
        segment: s?.segment ?? 'not_computed',
      };
    });
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
