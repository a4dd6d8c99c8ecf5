/**
 * Natural batching (group commit): requests that arrive while a batch is being
 * written wait and go together into the next one, in one transaction with
 * set-based SQL. Nothing waits on a timer: a lone request starts at once (on the
 * next turn of the event loop, so requests parsed in the same turn join it), and
 * under load the batch grows with the queue. Every caller still gets its own
 * answer after the commit, so a response always means "durably done".
 */
export interface BatcherOptions {
  /** Most requests in one batch (one transaction). */
  maxBatch: number;
  /** Batches written at the same time (1 = the next batch waits for the commit of the current one). */
  maxInFlight: number;
}

interface Waiter<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (err: unknown) => void;
}

export class Batcher<I, O> {
  private queue: Waiter<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  /**
   * `runBatch` answers every item, in order. When it fails as a whole, each item
   * is run again alone with `runOne`, so one bad request (an account closed a
   * moment ago, say) gets its own error and does not fail the others.
   */
  constructor(
    private readonly runBatch: (items: I[]) => Promise<O[]>,
    private readonly runOne: (item: I) => Promise<O>,
    private readonly opts: BatcherOptions = { maxBatch: 200, maxInFlight: 1 },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.opts.maxInFlight && this.queue.length) {
        const batch = this.queue.splice(0, this.opts.maxBatch);
        this.inFlight++;
        void this.execute(batch).finally(() => {
          this.inFlight--;
          this.kick();
        });
      }
    });
  }

  private async execute(batch: Waiter<I, O>[]): Promise<void> {
    let out: O[];
    try {
      out = await this.runBatch(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      await Promise.all(batch.map((w) => this.runOne(w.item).then(w.resolve, w.reject)));
      return;
    }
    batch.forEach((w, i) => w.resolve(out[i]));
  }
}
