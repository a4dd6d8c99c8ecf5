import type { ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/** Tasks with their state in the current period, and how many client-reported claims are left today. */
export const getTasks = () => api.get<ResponseFor<'listTasks'>>('/api/me/tasks');

/** A browse task's start: the server signs its own time; the token completes the task after minSeconds. */
export const startTask = (code: string) =>
  api.post<ResponseFor<'startTask'>>(`/api/me/tasks/${encodeURIComponent(code)}/start`);

/** Completion is once per period on the server; the code and today name the operation, so retries reuse the key. */
export const completeTask = (code: string, today: string, token?: string) =>
  api.post<ResponseFor<'completeTask'>>(
    `/api/me/tasks/${encodeURIComponent(code)}/complete`,
    token ? { token } : undefined,
    { operation: `task:${code}:${today}` },
  );
