import { useEffect, useMemo, useRef, useState } from 'react';
import type { CardResponse } from '@huiyuan/shared';

/** The shared TOTP rule's shape: member id + secret + instant -> the digits to show. */
export type CodeGenerator = (memberId: string, secret: Uint8Array, nowMs: number) => string;

export interface MemberCodeState {
  code: string | null;
  secondsLeft: number;
  /** The shown code has expired and a new one is on its way: dim it. */
  stale: boolean;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * The rotating member code. Time is the server's: the card carries
 * `serverTime`, and the offset to the phone's clock is applied to every tick,
 * so a phone with a wrong clock still shows a code the server accepts.
 * With `generate` (the shared TOTP rule) the code is computed on the device,
 * offline; without it the server's `current` code is shown and the card is
 * fetched again when it expires.
 */
export function useMemberCode(
  card: CardResponse | undefined,
  refetch: () => void,
  opts: { active?: boolean; generate?: CodeGenerator } = {},
): MemberCodeState {
  const { active = true, generate } = opts;
  const [now, setNow] = useState(() => Date.now());
  const refetchedFor = useRef<string | null>(null);
  const serverTime = card?.serverTime;
  // Measured when a new card arrives (keyed on its serverTime, not its object
  // identity) and used from the very first render. Network latency makes the
  // estimate run slightly behind the server, the safe side: the server accepts
  // the previous step but never a future one.
  const offset = useMemo(() => (serverTime ? Date.parse(serverTime) - Date.now() : 0), [serverTime]);

  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);

  const secret = useMemo(() => (card ? hexToBytes(card.code.secretHex) : null), [card]);
  const serverNow = now + offset;

  let state: MemberCodeState = { code: null, secondsLeft: 0, stale: false };
  if (card && secret) {
    const stepMs = card.code.stepSeconds * 1000;
    let generated: string | null = null;
    if (generate) {
      try {
        generated = generate(card.memberId, secret, serverNow);
      } catch {
        // Engine without what the rule needs, or an odd member id: use the server's code.
      }
    }
    if (generated !== null) {
      state = { code: generated, secondsLeft: Math.ceil((stepMs - (serverNow % stepMs)) / 1000), stale: false };
    } else {
      const left = Date.parse(card.code.expiresAt) - serverNow;
      state = { code: card.code.current, secondsLeft: Math.max(0, Math.ceil(left / 1000)), stale: left <= 0 };
    }
  }

  const expiredAt = card && state.stale ? card.code.expiresAt : null;
  useEffect(() => {
    // One refetch per expired code, not one per tick while the request runs.
    if (active && expiredAt && refetchedFor.current !== expiredAt) {
      refetchedFor.current = expiredAt;
      refetch();
    }
  }, [active, expiredAt, refetch]);

  return state;
}
