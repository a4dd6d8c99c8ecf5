import type { ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/**
 * The member's side of a counter lookup by phone: the clerk's requests waiting
 * for this member, and the answer. Answering is naturally idempotent on the
 * server (a guarded state change), so no operation name is needed.
 */
export type Confirmation = ResponseFor<'listConfirmations'>['items'][number];

export const listConfirmations = () => api.get<ResponseFor<'listConfirmations'>>('/api/me/confirmations');

export const answerConfirmation = (id: string, answer: 'confirm' | 'reject') =>
  api.post<ResponseFor<'confirmConfirmation'>>(`/api/me/confirmations/${encodeURIComponent(id)}/${answer}`);
