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
}
