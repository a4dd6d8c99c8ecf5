/**
 * While the member code is on screen a purchase may land at the counter: the
 * card asks for the balance every few seconds, for a while, and tells the
 * member when points arrive. The same request brings the counter's requests
 * waiting for the member (a clerk's request lives 2 minutes, so 3 minutes of
 * polling every 3 s finds one asked soon after the card opened). Pure
 * scheduling, with the timer functions and the fetch injected, so tests drive
 * it without a clock.
 */
export const POLL_EVERY_MS = 3_000;
export const POLL_FOR_MS = 180_000;

/** Points that arrived between two balances; 0 when nothing new came (spending is not news here). */
export const arrivedPoints = (before: number | null, after: number): number =>
  before === null || after <= before ? 0 : after - before;

export interface BalancePollOptions {
  fetchBalance: () => Promise<number>;
  onBalance: (balance: number, arrived: number) => void;
  everyMs?: number;
  forMs?: number;
  /** The first poll at once rather than after `everyMs` (the requests waiting must show when the card opens). */
  immediate?: boolean;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export interface BalancePoll {
  /** Starts (or restarts) polling from a known balance, e.g. when the code is shown. */
  start(balance: number | null): void;
  /** Stops, e.g. when the page is hidden. */
  stop(): void;
  readonly running: boolean;
}

export function createBalancePoll(o: BalancePollOptions): BalancePoll {
  const every = o.everyMs ?? POLL_EVERY_MS;
  const maxTicks = Math.floor((o.forMs ?? POLL_FOR_MS) / every);
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  let timer: unknown = null;
  let generation = 0;
  let last: number | null = null;
  let ticks = 0;

  const schedule = (gen: number, ms = every) => {
    timer = setTimer(() => void tick(gen), ms);
  };
  const tick = async (gen: number) => {
    timer = null;
    ticks++;
    try {
      const b = await o.fetchBalance();
      if (gen !== generation) return; // stopped or restarted meanwhile
      const arrived = arrivedPoints(last, b);
      last = b;
      o.onBalance(b, arrived);
    } catch {
      // A failed poll is skipped; the next one may succeed.
    }
    if (gen === generation && ticks < maxTicks) schedule(gen);
  };

  return {
    start(balance) {
      this.stop();
      last = balance;
      ticks = 0;
      schedule(generation, o.immediate ? 0 : every);
    },
    stop() {
      generation++;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
    get running() {
      return timer !== null;
    },
  };
}
