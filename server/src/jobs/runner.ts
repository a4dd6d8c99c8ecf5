import { randomUUID } from 'node:crypto';
import { businessDate, localParts } from '@huiyuan/shared';
import { isDuplicateKey, type Database, type Q } from '../db/database';
import { AppError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { noMetrics, type Metrics } from '../core/metrics';
import * as store from './store';

export interface JobContext {
  now: Date;
  date: string;
  /** Where an interrupted run of the same key stopped (keyset cursor), or null. */
  resumeFrom: string | null;
  /** The scheduler's daily run (false: run by hand, e.g. an operator catching up). */
  scheduled?: boolean;
  /**
   * Saves progress after each chunk, in a unit of work that first renews the
   * run's lease, so a crash resumes here. Throws `JobStopped` when the lease was
   * lost (another instance now runs the job) or the runner is stopping: the body
   * lets it propagate, and nothing after the last checkpoint is recorded.
   */
  checkpoint(cursor: string, processed: number): Promise<void>;
  /** Aborted when the lease is lost or the runner stops: long steps pass it on and stop early. */
  signal: AbortSignal;
  /** False once the lease is lost or the runner is stopping. */
  stillOwner(): boolean;
}

export interface JobDef {
  name: string;
  /** Business-time hour and minute of the daily run; null = only by hand (or `everyMinutes`). */
  at: { hour: number; minute: number } | null;
  /** Instead of daily: a scheduled run in every slot of this many minutes of the business day. */
  everyMinutes?: number;
  /** The daily time when it is a setting: read at each scheduler tick instead of `at` (null = not today). */
  when?: () => Promise<{ hour: number; minute: number } | null>;
  run(ctx: JobContext): Promise<{ processed: number; detail?: Record<string, unknown> }>;
}

/** Why a run stopped before its end: its lease went to another instance, or this runner is stopping. */
export class JobStopped extends Error {
  constructor(readonly reason: 'lease lost' | 'stopping') {
    super(`job stopped: ${reason}`);
  }
}

const LEASE_MS = 5 * 60_000;

/** A lease this runner holds: renewed by a heartbeat, whose failure aborts the run. */
interface Held {
  name: string;
  owner: string;
  controller: AbortController;
  heartbeat: NodeJS.Timeout;
}

/**
 * Runs jobs safely with several server instances. A lease row per job on the
 * database's clock (taken by compare-and-set, owned by one run's token) lets one
 * instance run it at a time; a heartbeat renews it every third of its length
 * and checks the answer, and a run that lost it stops at its next checkpoint
 * (every checkpoint and the final record are fenced on the lease). A run row
 * per (job, business date) makes the daily run happen once; a run stopped or
 * crashed mid-way keeps its cursor and the next owner resumes it. Job bodies are
 * idempotent (ledger and outbox keys), so a resumed chunk does nothing twice.
 */
export class JobRunner {
  readonly instance = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<string[]> | null = null;
  private stopping = false;
  private readonly held = new Set<Held>();
  private readonly active = new Set<Promise<unknown>>();
  private readonly leaseMs: number;
  private readonly metrics: Metrics;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tz: string,
    private readonly logger: Logger,
    private readonly jobs: JobDef[],
    opts: { leaseMs?: number; metrics?: Metrics } = {},
  ) {
    this.leaseMs = opts.leaseMs ?? LEASE_MS;
    this.metrics = opts.metrics ?? noMetrics;
  }

  /** Leases this instance holds now, per job (every job listed, so each keeps its series). */
  heldLeases(): [string, number][] {
    const held = [...this.held];
    return this.jobs.map((j) => [j.name, held.filter((l) => l.name === j.name).length]);
  }

  names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  run(name: string, triggeredBy: string, scheduled = false, slot = '') {
    const p = this.runOnce(name, triggeredBy, scheduled, slot);
    this.active.add(p);
    void p.catch(() => undefined).finally(() => this.active.delete(p));
    return p;
  }

  private async runOnce(name: string, triggeredBy: string, scheduled: boolean, slot: string) {
    const def = this.jobs.find((j) => j.name === name);
    if (!def) throw new AppError('JOB_NOT_FOUND');
    if (this.stopping) throw new AppError('SERVICE_UNAVAILABLE', 'The server is stopping', { job: name });
    const now = this.clock.now();
    const date = businessDate(now, this.tz);
    const owner = `${this.instance}:${randomUUID().slice(0, 12)}`;
    if (!(await this.db.tx((q) => store.takeLease(q, name, owner, this.leaseMs))))
      throw new AppError('RATE_LIMITED', 'This job is running right now', { job: name });
    const lease = this.hold(name, owner);
    try {
      const runKey = scheduled
        ? `${name}:${date}${slot}`
        : `${name}:${date}:${now.getTime()}:${randomUUID().slice(0, 6)}`;
      const run = await this.openRun(name, runKey, triggeredBy, now.getTime());
      if (run.status === 'done') return this.view(run.id);
      const started = Date.now();
      const signal = lease.controller.signal;
      // A stop asked for after the body's end still lets the run be recorded; a lost lease never does.
      const check = (ending = false) => {
        const why = signal.aborted ? (signal.reason as JobStopped) : null;
        if (why && !(ending && why.reason === 'stopping')) throw why;
      };
      // A unit of work fenced on the lease: nothing is written once another instance owns the job.
      const fenced = async (write: (q: Q) => Promise<unknown>, ending = false) => {
        check(ending);
        const ok = await this.db.tx(async (q) => {
          if (!(await store.renewLease(q, name, owner, this.leaseMs))) return false;
          await write(q);
          return true;
        });
        if (!ok) this.lose(lease, 'lease lost');
        check(ending);
      };
      try {
        const out = await def.run({
          now,
          date,
          resumeFrom: run.cursor,
          scheduled,
          signal,
          stillOwner: () => !signal.aborted,
          checkpoint: (cursor, processed) => fenced((q) => store.checkpointRun(q, run.id, cursor, processed)),
        });
        const detail = JSON.stringify({ ...out.detail, tookMs: Date.now() - started });
        await fenced((q) => store.finishRun(q, run.id, out.processed, detail, this.clock.now().getTime()), true);
        this.metrics.jobRun(name, 'done', (Date.now() - started) / 1000, this.clock.now());
      } catch (err) {
        const lost = signal.aborted && (signal.reason as JobStopped).reason === 'lease lost';
        const outcome = lost ? 'lease_lost' : signal.aborted ? 'stopped' : 'failed';
        this.metrics.jobRun(name, outcome, (Date.now() - started) / 1000, this.clock.now());
        if (signal.aborted) {
          // Not failed: the new owner (or the next run after a restart) resumes from the last checkpoint.
          this.logger.warn({ job: name, reason: (signal.reason as JobStopped).reason }, 'job stopped before its end');
        } else {
          this.logger.error({ job: name, err: (err as Error).message }, 'job failed');
          const detail = JSON.stringify({ error: (err as Error).message.slice(0, 500) });
          await fenced((q) => store.failRun(q, run.id, detail, this.clock.now().getTime())).catch(() => undefined);
        }
      }
      return this.view(run.id);
    } finally {
      await this.release(lease);
    }
  }

  /** Starts the heartbeat of a lease just taken. */
  private hold(name: string, owner: string): Held {
    let lastOk = Date.now();
    const lease: Held = {
      name,
      owner,
      controller: new AbortController(),
      heartbeat: setInterval(
        () => {
          void this.db
            .tx((q) => store.renewLease(q, name, owner, this.leaseMs))
            .then(
              (ok) => {
                if (ok) lastOk = Date.now();
                else this.lose(lease, 'lease lost');
              },
              // The database did not answer: the lease is as good as lost once it may have lapsed.
              () => {
                if (Date.now() - lastOk >= this.leaseMs) this.lose(lease, 'lease lost');
              },
            );
        },
        Math.max(50, Math.floor(this.leaseMs / 3)),
      ),
    };
    lease.heartbeat.unref();
    this.held.add(lease);
    return lease;
  }

  private lose(lease: Held, reason: 'lease lost' | 'stopping'): void {
    if (lease.controller.signal.aborted) return;
    if (reason === 'lease lost') {
      this.logger.warn({ job: lease.name }, 'job lease lost to another instance');
      this.metrics.leaseLost(lease.name);
    }
    lease.controller.abort(new JobStopped(reason));
  }

  private async release(lease: Held): Promise<void> {
    clearInterval(lease.heartbeat);
    this.held.delete(lease);
    await this.db.tx((q) => store.releaseLease(q, lease.name, lease.owner)).catch(() => undefined);
  }

  /** One scheduler pass: every job whose time has come and whose run for today (or this slot) is not done. */
  async tick(): Promise<string[]> {
    if (this.ticking || this.stopping) return [];
    this.ticking = this.tickOnce().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async tickOnce(): Promise<string[]> {
    const started: string[] = [];
    const now = this.clock.now();
    const date = businessDate(now, this.tz);
    const p = localParts(now, this.tz);
    for (const def of this.jobs) {
      if (this.stopping) break;
      const minute = p.hour * 60 + p.minute;
      const slot = def.everyMinutes ? `:${Math.floor(minute / def.everyMinutes)}` : '';
      const at = def.everyMinutes ? { hour: 0, minute: 0 } : def.when ? await def.when() : def.at;
      if (!at || minute < at.hour * 60 + at.minute) continue;
      const done = await this.db.read((q) => store.runEnded(q, `${def.name}:${date}${slot}`));
      if (done) continue;
      try {
        await this.run(def.name, 'scheduler', true, slot);
        started.push(def.name);
      } catch (err) {
        if ((err as AppError).code !== 'RATE_LIMITED' && (err as AppError).code !== 'SERVICE_UNAVAILABLE')
          this.logger.error({ job: def.name, err: (err as Error).message }, 'scheduled job did not start');
      }
    }
    return started;
  }

  start(everyMs = 30_000): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  /**
   * Stops the scheduler, asks every running job to stop at its next checkpoint,
   * waits for them and gives their leases back. Their runs stay open with their
   * cursor: whichever instance runs the job next resumes them.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const lease of this.held) this.lose(lease, 'stopping');
    await Promise.allSettled([...this.active, ...(this.ticking ? [this.ticking] : [])]);
  }

  async runs(job: string | undefined, cursor: string | undefined, limit: number) {
    const before = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(before) || before <= 0)
      throw new AppError('VALIDATION_FAILED', 'Bad cursor', { field: 'cursor' });
    const ids = await this.db.read((q) => store.runIdsBefore(q, before, job, limit + 1));
    const page = ids.slice(0, limit);
    const items = [];
    for (const id of page) items.push(await this.view(id));
    return {
      items,
      nextCursor: ids.length > limit ? Buffer.from(String(page[page.length - 1])).toString('base64url') : null,
    };
  }

  private async openRun(
    name: string,
    runKey: string,
    triggeredBy: string,
    now: number,
  ): Promise<{ id: number; status: string; cursor: string | null }> {
    return this.db.tx(async (q) => {
      const existing = await store.runByKey(q, runKey);
      if (existing) return { id: Number(existing.id), status: existing.status, cursor: existing.resume_cursor };
      try {
        const id = await store.insertRun(q, name, runKey, triggeredBy, now);
        return { id, status: 'running', cursor: null };
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('RATE_LIMITED', 'This job is running right now', { job: name });
        throw err;
      }
    });
  }

  private async view(id: number) {
    const r = (await this.db.read((q) => store.runById(q, id)))!;
    return {
      id: String(r.id),
      job: r.job,
      runKey: r.run_key,
      status: r.status,
      processed: Number(r.processed),
      detail: r.detail ? JSON.parse(r.detail) : null,
      triggeredBy: r.triggered_by,
      startedAt: new Date(Number(r.started_at)).toISOString(),
      finishedAt: r.finished_at ? new Date(Number(r.finished_at)).toISOString() : null,
    };
  }
}
