import { z } from 'zod';
import { endpoint } from './endpoint';

export const TaskView = z.object({
  code: z.string(),
  title: z.string(),
  period: z.enum(['once', 'daily', 'weekly']),
  kind: z.enum(['client', 'profile', 'first_purchase', 'subscribe']),
  points: z.int(),
  growth: z.int(),
  done: z.boolean().describe('Done in the current period'),
  periodKey: z.string().describe("The current period: 'once', the business date, or 'w' + the week's Monday"),
  state: z
    .enum(['todo', 'done', 'capped'])
    .describe("capped: a client-reported task while today's client reports are used up"),
});
export const TaskList = z.object({ tasks: z.array(TaskView), clientReportsLeftToday: z.int() });
export const TaskCompleted = z.object({
  code: z.string(),
  period: z.string(),
  points: z.int(),
  growth: z.int(),
  balance: z.int(),
  replayed: z.boolean(),
});

export const taskEndpoints = {
  listTasks: endpoint({
    method: 'get',
    path: '/api/me/tasks',
    tag: 'tasks',
    auth: 'member',
    summary: 'Tasks with their state in the current period',
    response: TaskList,
  }),
  completeTask: endpoint({
    method: 'post',
    path: '/api/me/tasks/:code/complete',
    tag: 'tasks',
    auth: 'member',
    params: z.strictObject({ code: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/) }),
    summary:
      'Complete a task for this period: server-checked tasks are verified; client-reported ones are capped per day. Repeats return the first result.',
    response: TaskCompleted,
    errors: ['VALIDATION_FAILED', 'TASK_NOT_FOUND', 'TASK_NOT_DONE', 'TASK_DAILY_CAP'],
  }),
};
