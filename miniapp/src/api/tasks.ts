import type { TaskCompleted, TaskList } from '@huiyuan/shared';
import type { z } from 'zod';
import { api } from './client';

export type Tasks = z.infer<typeof TaskList>;
export type TaskDone = z.infer<typeof TaskCompleted>;

export const getTasks = () => api.get<Tasks>('/api/me/tasks');

/** Completion is once per period on the server; the code and today name the operation, so retries reuse the key. */
export const completeTask = (code: string, today: string) =>
  api.post<TaskDone>(`/api/me/tasks/${encodeURIComponent(code)}/complete`, undefined, {
    operation: `task:${code}:${today}`,
  });
