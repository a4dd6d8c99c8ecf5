import type { Q } from '../../db/database';

/** One broken invariant: which, and the offending row. */
export interface Violation {
  invariant: string;
  detail: Record<string, unknown>;
}

/**
 * One invariant, checked by the module that owns its tables (its `invariants.ts`).
 * `run` returns the rows that break it, at most `limit` of them (empty = holds).
 */
export interface InvariantCheck {
  name: string;
  run(q: Q, limit: number): Promise<Record<string, unknown>[]>;
  /**
   * The same check for the given members only (the incremental pass: members
   * touched since the last run). Checks without it run in the full pass only.
   */
  runFor?(q: Q, memberIds: number[], limit: number): Promise<Record<string, unknown>[]>;
}
