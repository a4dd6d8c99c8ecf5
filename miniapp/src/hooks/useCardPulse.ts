import { useEffect, useRef, useState } from 'react';
import { getCardPulse } from '../api/tiers';
import type { Confirmation } from '../api/confirmations';
import { createBalancePoll, type BalancePoll } from '../domain/balancePoll';

/** How long "+N 积分到账" stays on the card. */
const ARRIVED_SHOWN_MS = 8_000;

/**
 * While `active` (the card page is visible), asks for the card's pulse at once
 * and then every 3 s for up to 3 minutes: one light request that brings the
 * balance, so a purchase credited at the counter shows up on the phone the
 * member is holding out, and the counter's requests waiting for this member.
 * Runs even when the card itself failed to load: the member may be at the
 * counter waiting to confirm. Returns the fresh balance (null until one is
 * known), the points that just arrived and the waiting requests.
 */
export function useCardPulse(active: boolean, cardBalance: number | undefined) {
  const [live, setLive] = useState<number | null>(null);
  const [arrived, setArrived] = useState(0);
  const [asks, setAsks] = useState<Confirmation[]>([]);
  const poll = useRef<BalancePoll | null>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  if (!poll.current) {
    poll.current = createBalancePoll({
      immediate: true,
      fetchBalance: async () => {
        const pulse = await getCardPulse();
        setAsks(pulse.confirmations);
        return pulse.balance;
      },
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
    // Restarted when the card's balance is known: points arrived are counted from it.
    if (active) p.start(cardBalance ?? null);
    else p.stop();
    return () => p.stop();
  }, [active, cardBalance]);

  useEffect(
    () => () => {
      if (hideTimer.current) clearTimeout(hideTimer.current);
    },
    [],
  );

  return { balance: live, arrived, asks };
}
