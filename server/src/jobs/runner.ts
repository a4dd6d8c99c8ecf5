import { randomUUID } from 'node:crypto';
import { businessDate, localParts } from '@huiyuan/shared';
import { isDuplicateKey, type Database } from '../db/database';
import { AppError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import * as store from './store';

export interface JobContext {
  now: Date;
  date: string;
  /** Where an interrupted run of the same key stopped (keyset cursor), or null. */
  resumeFrom: string | null;
  /** Saves progress (and renews the lease) after each chunk, so a crash resumes here. */
  checkpoint(cursor: string, processed: number): Promise<void>;
}

export interface JobDef {
  name: string;
  /** Business-time hour and minute of the daily run; null = only by hand. */
  at: { hour: number; minute: number } | null;
  run(ctx: JobContext): Promise<{ processed: number; detail?: Record<string, unknown> }>;
}

const LEASE_MS = 5 * 60_000;

/**
 * Runs jobs safely with several server instances: a lease row per job (taken
 * by a conditional update, renewed at each checkpoint) lets one instance run it
 * at a time; a run row per (job, business date) makes the daily run happen once
 * and lets a crashed run resume from its last checkpoint. Jobs themselves are
 * idempotent (ledger and outbox keys), so a resumed chunk does nothing twice.
 */
export class JobRunner {
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tz: string,
    private readonly logger: Logger,
    private readonly jobs: JobDef[],
  ) {}

  names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  async run(name: string, triggeredBy: string, scheduled = false) {
    const def = this.jobs.find((j) => j.name === name);
    if (!def) throw new AppError('JOB_NOT_FOUND');
    const now = this.clock.now();
    const date = businessDate(now, this.tz);
    if (!(await this.takeLease(name, now.getTime())))
      throw new AppError('RATE_LIMITED', 'This job is running right now', { job: name });
    try {
      const runKey = scheduled ? `${name}:${date}` : `${name}:${date}:${now.getTime()}:${randomUUID().slice(0, 6)}`;
      const run = await this.openRun(name, runKey, triggeredBy, now.getTime());
      if (run.status === 'done') return this.view(run.id);
      const started = Date.now();
      try {
        const out = await def.run({
          now,
          date,
          resumeFrom: run.cursor,
          checkpoint: async (cursor, processed) => {
            await this.db.tx((q) => store.checkpointRun(q, run.id, cursor, processed));
            await this.takeLease(name, this.clock.now().getTime());
          },
        });
        const detail = JSON.stringify({ ...out.detail, tookMs: Date.now() - started });
        await this.db.tx((q) => store.finishRun(q, run.id, out.processed, detail, this.clock.now().getTime()));
      } catch (err) {
        this.logger.error({ job: name, err: (err as Error).message }, 'job failed');
        const detail = JSON.stringify({ error: (err as Error).message.slice(0, 500) });
        await this.db.tx((q) => store.failRun(q, run.id, detail, this.clock.now().getTime()));
      }
      return this.view(run.id);
    } finally {
      await this.db.tx((q) => store.releaseLease(q, name, this.owner));
    }
  }

  /** One scheduler pass: every daily job whose time has come and whose run for today is not done. */
  async tick(): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    const started: string[] = [];
    try {
      const now = this.clock.now();
      const date = businessDate(now, this.tz);
      const p = localParts(now, this.tz);
      for (const def of this.jobs) {
        if (!def.at || p.hour * 60 + p.minute < def.at.hour * 60 + def.at.minute) continue;
        const done = await this.db.read((q) => store.runEnded(q, `${def.name}:${date}`));
        if (done) continue;
        try {
          await this.run(def.name, 'scheduler', true);
          started.push(def.name);
        } catch (err) {
          if ((err as AppError).code !== 'RATE_LIMITED')
            this.logger.error({ job: def.name, err: (err as Error).message }, 'scheduled job did not start');
        }
      }
    } finally {
      this.running = false;
    }
    return started;
  }

  start(everyMs = 30_000): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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

  private async takeLease(name: string, now: number): Promise<boolean> {
    return this.db.tx((q) => store.takeLease(q, name, this.owner, now, now + LEASE_MS));
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
