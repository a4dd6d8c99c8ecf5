import { placeholders, type Q, type Step } from '../../db/database';
import { insertIgnore, nowMs } from '../../db/dialect';

/**
 * Gift rules (gift_rules) and grants (gift_grants). Every function takes the
 * caller's unit of work first. A grant's unique key (rule, member, occurrence)
 * is what makes a trigger give once: rows are written with INSERT IGNORE, never
 * "check then insert", and flipped from pending by a guarded update.
 */

export interface RuleRow {
  id: number;
  name: string;
  trigger_kind: string;
  tier_code: string | null;
  points: number;
  vouchers_json: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface GrantRow {
  id: number;
  rule_id: number;
  member_id: number;
  occurrence: string;
  trigger_kind: string;
  status: string;
  points: number;
  vouchers_json: string;
  outcome_json: string | null;
  created_at: number;
  granted_at: number | null;
}

/** One grant to write: what the rule gives, copied so a later edit of the rule does not change it. */
export interface NewGrant {
  ruleId: number;
  memberId: number;
  occurrence: string;
  trigger: string;
  points: number;
  vouchersJson: string;
}

// ---- rules ---------------------------------------------------------------

export async function enabledRulesIn(q: Q, trigger: string): Promise<RuleRow[]> {
  return q.all<RuleRow>("SELECT * FROM gift_rules WHERE trigger_kind = ? AND status = 'enabled' ORDER BY id", [
    trigger,
  ]);
}

export async function ruleIn(q: Q, id: number): Promise<RuleRow | undefined> {
  return q.one<RuleRow>('SELECT * FROM gift_rules WHERE id = ?', [id]);
}

export async function allRulesIn(q: Q): Promise<RuleRow[]> {
  return q.all<RuleRow>('SELECT * FROM gift_rules ORDER BY id');
}

export interface RuleFields {
  name: string;
  trigger: string;
  tierCode: string | null;
  points: number;
  vouchersJson: string;
  status: 'enabled' | 'disabled';
}

export async function insertRuleIn(q: Q, r: RuleFields, now: number): Promise<number> {
  return q.insert(
    'INSERT INTO gift_rules (name, trigger_kind, tier_code, points, vouchers_json, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [r.name, r.trigger, r.tierCode, r.points, r.vouchersJson, r.status, now, now],
  );
}

/** The fields an operator may change (the trigger is fixed at creation). */
export type RulePatch = Partial<Omit<RuleFields, 'trigger'>>;
const RULE_COLUMNS: Record<keyof RulePatch, string> = {
  name: 'name',
  tierCode: 'tier_code',
  points: 'points',
  vouchersJson: 'vouchers_json',
  status: 'status',
};

export async function updateRuleIn(q: Q, id: number, patch: RulePatch, now: number): Promise<void> {
  const sets: string[] = [];
  const args: unknown[] = [];
  for (const [field, column] of Object.entries(RULE_COLUMNS) as [keyof RulePatch, string][]) {
    if (patch[field] === undefined) continue;
    sets.push(`${column} = ?`);
    args.push(patch[field]);
  }
  await q.exec(`UPDATE gift_rules SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`, [...args, now, id]);
}

// ---- grants --------------------------------------------------------------

/** Writes pending grants in one multi-row INSERT IGNORE; a (rule, member, occurrence) already written is left alone. */
export async function insertGrantsIn(q: Q, grants: NewGrant[], now: number): Promise<number> {
  if (!grants.length) return 0;
  return q.exec(
    `${insertIgnore(q.dialect)} INTO gift_grants (rule_id, member_id, occurrence, trigger_kind, status, points, vouchers_json, lease_until, created_at)
     VALUES ${grants.map(() => "(?, ?, ?, ?, 'pending', ?, ?, 0, ?)").join(', ')}`,
    grants.flatMap((g) => [g.ruleId, g.memberId, g.occurrence, g.trigger, g.points, g.vouchersJson, now]),
  );
}

/** Pending grants of one rule and occurrence for the given members (a job's chunk, just written). */
export async function pendingOfMembersIn(
  q: Q,
  ruleId: number,
  occurrence: string,
  memberIds: number[],
): Promise<GrantRow[]> {
  if (!memberIds.length) return [];
  return q.all<GrantRow>(
    `SELECT * FROM gift_grants WHERE rule_id = ? AND occurrence = ? AND status = 'pending' AND member_id IN (${placeholders(memberIds.length)}) ORDER BY id`,
    [ruleId, occurrence, ...memberIds],
  );
}

/**
 * Claims up to `limit` pending grants for `owner` until a time on the database's
 * clock: a compare-and-set on grants whose lease has run out, on the (status, id)
 * index. Returns the rows now held by `owner`.
 */
export async function claimPendingIn(q: Q, owner: string, limit: number, leaseMs: number): Promise<GrantRow[]> {
  const due = await q.all<{ id: number }>(
    `SELECT id FROM gift_grants WHERE status = 'pending' AND lease_until < ${nowMs(q.dialect)} ORDER BY status, id LIMIT ${Math.floor(limit)}`,
  );
  if (!due.length) return [];
  const ids = due.map((r) => Number(r.id));
  await q.exec(
    `UPDATE gift_grants SET owner = ?, lease_until = ${nowMs(q.dialect)} + ? WHERE status = 'pending' AND lease_until < ${nowMs(q.dialect)} AND id IN (${placeholders(ids.length)})`,
    [owner, leaseMs, ...ids],
  );
  return q.all<GrantRow>(
    `SELECT * FROM gift_grants WHERE owner = ? AND status = 'pending' AND id IN (${placeholders(ids.length)}) ORDER BY id`,
    [owner, ...ids],
  );
}

/** Hands claimed grants back at once (a stopping worker), so another takes them without waiting for the lease. */
export async function releaseClaimIn(q: Q, owner: string): Promise<void> {
  await q.exec("UPDATE gift_grants SET owner = NULL, lease_until = 0 WHERE owner = ? AND status = 'pending'", [owner]);
}

/**
 * The guarded flips that make a grant ours to give, one statement per grant in a
 * single round trip: pending -> granted (the final status and outcome follow in
 * the same unit of work). With an owner, only while this worker still holds it.
 * Returns the ids that flipped; any other was given by someone else.
 */
export async function takeGrantsIn(q: Q, ids: number[], now: number, owner?: string): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const steps: Step[] = ids.map((id) =>
    owner === undefined
      ? ["UPDATE gift_grants SET status = 'granted', granted_at = ? WHERE id = ? AND status = 'pending'", [now, id]]
      : [
          "UPDATE gift_grants SET status = 'granted', granted_at = ? WHERE id = ? AND status = 'pending' AND owner = ?",
          [now, id, owner],
        ],
  );
  const res = await q.script(steps);
  return new Set(ids.filter((_, i) => res[i].affected === 1));
}

/** Records what a grant taken by takeGrantsIn gave: its final status and the per-voucher outcome. */
export function finishGrantStep(id: number, status: string, outcomeJson: string): Step {
  return ['UPDATE gift_grants SET status = ?, outcome_json = ?, owner = NULL WHERE id = ?', [status, outcomeJson, id]];
}

/** `<rule id>:<occurrence>` of every grant the member has (the operator's simulation leaves those out). */
export async function occurrencesOfMemberIn(q: Q, memberId: number): Promise<Set<string>> {
  const rows = await q.all<{ rule_id: number; occurrence: string }>(
    'SELECT rule_id, occurrence FROM gift_grants WHERE member_id = ?',
    [memberId],
  );
  return new Set(rows.map((r) => `${r.rule_id}:${r.occurrence}`));
}

/** rule id -> grants by status, for the operators' list. */
export async function grantTalliesIn(q: Q, ruleId?: number): Promise<Map<number, Record<string, number>>> {
  const rows = await q.all<{ rule_id: number; status: string; n: number }>(
    `SELECT rule_id, status, COUNT(*) AS n FROM gift_grants${ruleId === undefined ? '' : ' WHERE rule_id = ?'} GROUP BY rule_id, status`,
    ruleId === undefined ? [] : [ruleId],
  );
  const out = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const t = out.get(Number(r.rule_id)) ?? {};
    t[r.status] = Number(r.n);
    out.set(Number(r.rule_id), t);
  }
  return out;
}

/** One page of grants, newest first, ids below `beforeId`; `limit` + 1 rows to tell if more follow. */
export async function grantsPageIn(
  q: Q,
  f: { ruleId?: number; memberId?: number; status?: string; beforeId?: number; limit: number },
): Promise<GrantRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  const filters: [string, unknown][] = [
    ['rule_id = ?', f.ruleId],
    ['member_id = ?', f.memberId],
    ['status = ?', f.status],
    ['id < ?', f.beforeId],
  ];
  for (const [cond, value] of filters) {
    if (value === undefined) continue;
    where.push(cond);
    args.push(value);
  }
  return q.all<GrantRow>(
    `SELECT * FROM gift_grants${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${Math.floor(f.limit) + 1}`,
    args,
  );
}

/** Given grants (granted or partial) with points, ids above `after`, a page at a time (reconcile). */
export async function grantsWithPointsAfterIn(q: Q, after: number, limit: number): Promise<GrantRow[]> {
  return q.all<GrantRow>(
    `SELECT * FROM gift_grants WHERE points > 0 AND status IN ('granted', 'partial') AND id > ? ORDER BY id LIMIT ${Math.floor(limit)}`,
    [after],
  );
}

/** A member's grants for the data export, oldest first (raw columns; the exporter formats the times). */
export async function grantsForExportIn(q: Q, memberId: number): Promise<Record<string, unknown>[]> {
  return q.all(
    'SELECT id, rule_id, trigger_kind, occurrence, status, points, vouchers_json, outcome_json, created_at, granted_at FROM gift_grants WHERE member_id = ? ORDER BY id',
    [memberId],
  );
}
