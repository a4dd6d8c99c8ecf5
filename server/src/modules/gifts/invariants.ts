import type { Q } from '../../db/database';
import { deltasOfKeys } from '../points/store-reads';
import { registerInvariant } from '../reconcile/invariants';
import { ledgerKeyOf } from './rules';
import { grantsWithPointsAfterIn } from './store';

const PAGE = 1000;

/**
 * Every grant given with points (granted or partial) has its credit in the
 * ledger. Walks those grants a page at a time and asks the ledger for the page's
 * keys in one call; returns at most `limit` offenders.
 */
export async function grantsWithoutCredit(q: Q, limit: number): Promise<Record<string, unknown>[]> {
  const bad: Record<string, unknown>[] = [];
  for (let after = 0; bad.length < limit;) {
    const page = await grantsWithPointsAfterIn(q, after, PAGE);
    if (!page.length) break;
    after = Number(page[page.length - 1].id);
    const deltas = await deltasOfKeys(q, page.map(ledgerKeyOf));
    for (const g of page)
      if (!deltas.has(ledgerKeyOf(g))) bad.push({ id: Number(g.id), ruleId: Number(g.rule_id), key: ledgerKeyOf(g) });
  }
  return bad.slice(0, limit);
}

registerInvariant({ name: 'gifts: every grant given with points has its ledger credit', run: grantsWithoutCredit });
