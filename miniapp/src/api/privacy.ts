import type { BodyFor, ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/** Everything the server stores about me (the phone in full: it is my own data). */
export const exportMyData = () => api.get<ResponseFor<'exportMyData'>>('/api/me/export');

/** Deletes my account for good: personal data erased, sessions ended. */
export const deleteMyAccount = () =>
  api.post<ResponseFor<'deleteMe'>>('/api/me/delete', { confirm: 'DELETE' } satisfies BodyFor<'deleteMe'>);
