import type { CardPulse, CardResponse, TierResponse } from '@huiyuan/shared';
import { api } from './client';

/** Tier, growth in the rolling window, what the next tier needs and what keeps this one. */
export const getTier = () => api.get<TierResponse>('/api/me/tier');

/** Card face plus the TOTP secret the device turns into the rotating member code. */
export const getCard = () => api.get<CardResponse>('/api/me/card');

/** What the open card polls for: the balance and the counter's requests waiting for this member. */
export const getCardPulse = () => api.get<CardPulse>('/api/me/card/pulse');
