import { useEffect, useRef, useState } from 'react';
import { getCard } from '../api/tiers';
import { createBalancePoll, type BalancePoll } from '../domain/balancePoll';

/** How long "+N 积分到账" stays on the card. */
const ARRIVED_SHOWN_MS = 8_000;

/**
 * While `active` (the card page is visible with its code), asks for the balance
 * every 3 s for up to 2 minutes, so a purchase credited at the counter shows up
 * on the phone the member is holding out. Returns the fresh balance (null until
 * one differs from the card's) and the points that just arrived.
 */
export function useBalancePoll(active: boolean, cardBalance: number | undefined) {
  const [live, setLive] = useState<number | null>(null);
  const [arrived, setArrived] = useState(0);
  const poll = useRef<BalancePoll | null>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  if (!poll.current) {
    poll.current = createBalancePoll({
      fetchBalance: async () => (await getCard()).balance,
      onBalance: (b, n) => {
        setLive(b);
        if (n <= 0) return;
        setArrived(n);
        if (hideTimer.current) clearTimeout(hideTimer.current);
        hideTimer.current = setTimeout(() => setArrived(0), ARRIVED_SHOWN_MS);
      },
    });
  }

  useEffect(() => {
    const p = poll.current!;
    setLive(null);
    if (active && cardBalance !== undefined) p.start(cardBalance);
    else p.stop();
    return () => p.stop();
  }, [active, cardBalance]);

  useEffect(
    () => () => {
      if (hideTimer.current) clearTimeout(hideTimer.current);
    },
    [],
  );

  return { balance: live, arrived };
}
