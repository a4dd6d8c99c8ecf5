import { api } from './client';

/** Everything the server stores about me (the phone in full: it is my own data). */
export const exportMyData = () => api.get<Record<string, unknown>>('/api/me/export');

/** Deletes my account for good: personal data erased, sessions ended. */
export const deleteMyAccount = () => api.post<{ deleted: true; at: string }>('/api/me/delete', { confirm: 'DELETE' });
