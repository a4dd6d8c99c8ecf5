import { arrivedPoints, createBalancePoll } from './balancePoll';

/** Timers run by hand: `step()` fires the one pending timer. */
function manualTimers() {
  let pending: { fn: () => void; ms: number } | null = null;
  return {
    setTimer: (fn: () => void, ms: number) => (pending = { fn, ms }),
    clearTimer: () => void (pending = null),
    get pending() {
      return pending;
    },
    async step() {
      const p = pending!;
      pending = null;
      p.fn();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

it('counts only points that came in', () => {
  expect(arrivedPoints(null, 500)).toBe(0);
  expect(arrivedPoints(500, 500)).toBe(0);
  expect(arrivedPoints(500, 400)).toBe(0);
  expect(arrivedPoints(500, 830)).toBe(330);
});

it('polls every 3 s, reports +N once when a purchase lands, and stops after 3 minutes', async () => {
  const t = manualTimers();
  const balances = [500, 500, 830, 830];
  const seen: [number, number][] = [];
  let calls = 0;
  const poll = createBalancePoll({
    fetchBalance: async () => balances[Math.min(calls++, balances.length - 1)],
    onBalance: (b, n) => seen.push([b, n]),
    ...t,
  });
  poll.start(500);
  expect(t.pending?.ms).toBe(3_000);
  await t.step();
  await t.step();
  await t.step();
  await t.step();
  expect(seen).toEqual([
    [500, 0],
    [500, 0],
    [830, 330],
    [830, 0],
  ]);
  let ticks = 4;
  while (t.pending) {
    await t.step();
    ticks++;
  }
  expect(ticks).toBe(60); // 180 s / 3 s
  expect(poll.running).toBe(false);
});

it('stops when hidden, and an answer arriving after the stop is dropped', async () => {
  const t = manualTimers();
  let release: (n: number) => void = () => undefined;
  const onBalance = jest.fn();
  const poll = createBalancePoll({
    fetchBalance: () => new Promise<number>((r) => (release = r)),
    onBalance,
    ...t,
  });
  poll.start(100);
  await t.step(); // a request is now in flight
  poll.stop();
  release(900);
  for (let i = 0; i < 5; i++) await Promise.resolve();
  expect(onBalance).not.toHaveBeenCalled();
  expect(t.pending).toBeNull();
  expect(poll.running).toBe(false);
});

it('a failed poll is skipped and polling goes on', async () => {
  const t = manualTimers();
  let n = 0;
  const onBalance = jest.fn();
  const poll = createBalancePoll({
    fetchBalance: async () => {
      if (n++ === 0) throw new Error('offline');
      return 150;
    },
    onBalance,
    ...t,
  });
  poll.start(100);
  await t.step();
  expect(onBalance).not.toHaveBeenCalled();
  await t.step();
  expect(onBalance).toHaveBeenCalledWith(150, 50);
});

it('immediate: the first poll goes at once, the next ones every 3 s', async () => {
  const t = manualTimers();
  const onBalance = jest.fn();
  const poll = createBalancePoll({ fetchBalance: async () => 100, onBalance, immediate: true, ...t });
  poll.start(null);
  expect(t.pending?.ms).toBe(0);
  await t.step();
  expect(onBalance).toHaveBeenCalledWith(100, 0); // a first balance is not news
  expect(t.pending?.ms).toBe(3_000);
});
