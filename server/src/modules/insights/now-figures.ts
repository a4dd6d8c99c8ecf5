import type { Q } from '../../db/database';
import type { Services } from '../services';
import { membersPerTier } from '../tiers/store';
import { liabilityPoints } from './liability';
import { putSnapshots, snapshotsOn } from './store-alerts';

/**
 * The dashboard's figures of now: points members hold, points on closed
 * accounts, members per tier. Each is a read over every member, so the rollups
 * job stores them (in `insight_snapshots`, under today's date) every time it
 * runs and the dashboard reads them from there: as of the job's last run.
 */
export interface NowFigures {
  outstanding: number;
  closedAccounts: number;
  perTier: Map<string, number>;
}

const PREFIX = 'now:';
const TIER = `${PREFIX}tier:`;

/** The figures read from their owners (every member). */
export async function computeNowFigures(q: Q): Promise<NowFigures> {
  const { outstanding, closedAccounts } = await liabilityPoints(q);
  return { outstanding, closedAccounts, perTier: await membersPerTier(q) };
}

/** Computes the figures and stores them under `date`; every tier of the rules is written, none left stale. */
export async function storeNowFigures(c: Pick<Services, 'db' | 'tiers' | 'clock'>, date: string): Promise<void> {
  const rules = await c.tiers.rules();
  const f = await c.db.read(computeNowFigures);
  const codes = new Set([...rules.tiers.map((t) => t.code), ...f.perTier.keys()]);
  const values: [string, number][] = [
    [`${PREFIX}outstanding`, f.outstanding],
    [`${PREFIX}closed`, f.closedAccounts],
    ...[...codes].map((code): [string, number] => [`${TIER}${code}`, f.perTier.get(code) ?? 0]),
  ];
  await c.db.tx((q) => putSnapshots(q, date, values, c.clock.now().getTime()));
}

/** The figures the job stored today; computed from the owners when it has not run today. */
export async function nowFigures(q: Q, today: string): Promise<NowFigures> {
  const stored = await snapshotsOn(q, PREFIX, today, 5_000);
  const outstanding = stored.get(`${PREFIX}outstanding`);
  if (outstanding === undefined) return computeNowFigures(q);
  const perTier = new Map(
    [...stored].filter(([k]) => k.startsWith(TIER)).map(([k, v]): [string, number] => [k.slice(TIER.length), v]),
  );
  return { outstanding, closedAccounts: stored.get(`${PREFIX}closed`) ?? 0, perTier };
}
