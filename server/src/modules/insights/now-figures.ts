import type { Q } from '../../db/database';
import type { Services } from '../services';
import { membersPerTier } from '../tiers/store';
import { liabilityPoints } from './liability';
import { putSnapshots, snapshotIn, snapshotsOn } from './store-alerts';

/**
 * The dashboard's figures of now: points members hold, points on closed
 * accounts, members per tier. Each is a read over every member, so the rollups
 * job stores them (in `insight_snapshots`, under today's date) and the dashboard
 * reads them from there: as of the job's last computation. The job computes them
 * on its 5-minute runs, but not again before BUSY_SHARE_INVERSE times the last
 * computation's duration has passed: the reads over every member stay under 2 %
 * of the database's time however many members there are (at 1M a pass took 2.2 s,
 * so every run; at 10M, about every 20 minutes).
 */
export interface NowFigures {
  outstanding: number;
  closedAccounts: number;
  perTier: Map<string, number>;
}

const PREFIX = 'now:';
const TIER = `${PREFIX}tier:`;
/** The last computation's duration (ms), stored with the figures. */
const TOOK = `${PREFIX}ms`;
const BUSY_SHARE_INVERSE = 50;

/** The figures read from their owners (every member). */
export async function computeNowFigures(q: Q): Promise<NowFigures> {
  const { outstanding, closedAccounts } = await liabilityPoints(q);
  return { outstanding, closedAccounts, perTier: await membersPerTier(q) };
}

/** Computes the figures and stores them under `date`; every tier of the rules is written, none left stale. */
export async function storeNowFigures(c: Pick<Services, 'db' | 'tiers' | 'clock'>, date: string): Promise<void> {
  const last = await c.db.read((q) => snapshotIn(q, TOOK, date));
  if (last && c.clock.now().getTime() - last.updatedAt < BUSY_SHARE_INVERSE * last.value) return;
  const rules = await c.tiers.rules();
  const started = Date.now();
  const f = await c.db.read(computeNowFigures);
  const took = Date.now() - started;
  const codes = new Set([...rules.tiers.map((t) => t.code), ...f.perTier.keys()]);
  const values: [string, number][] = [
    [`${PREFIX}outstanding`, f.outstanding],
    [`${PREFIX}closed`, f.closedAccounts],
    ...[...codes].map((code): [string, number] => [`${TIER}${code}`, f.perTier.get(code) ?? 0]),
    [TOOK, took],
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
