import { z } from 'zod';
import { endpoint } from './endpoint';

export const TaskView = z.object({
  code: z.string(),
  title: z.string(),
  period: z.enum(['once', 'daily', 'weekly']),
  kind: z.enum(['client', 'profile', 'first_purchase', 'subscribe', 'browse', 'share']),
  points: z.int(),
  growth: z.int(),
  minSeconds: z.int().optional().describe('browse: seconds the page must stay open (server time)'),
  dailyCap: z.int().optional().describe('share: paid new visitors per day'),
  doneToday: z.int().optional().describe('share: new visitors paid for today'),
  done: z.boolean().describe('Done in the current period'),
  periodKey: z.string().describe("The current period: 'once', the business date, or 'w' + the week's Monday"),
  state: z
    .enum(['todo', 'done', 'capped'])
    .describe(
      "capped: a client-reported task while today's client reports are used up, or a share task at its daily cap",
    ),
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

export const TaskStarted = z.object({
  token: z.string().describe('Signed start (member, task, server time, business date); send it to complete'),
  minSeconds: z.int(),
  startedAt: z.string().describe('Server time of the start (ISO)'),
});
export const CompleteTaskBody = z.strictObject({
  token: z.string().max(200).optional().describe('browse: the token from /start'),
});

export const taskEndpoints = {
  startTask: endpoint({
    method: 'post',
    path: '/api/me/tasks/:code/start',
    tag: 'tasks',
    auth: 'member',
    params: z.strictObject({ code: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/) }),
    summary:
      'Start a browse task: a signed token over the member, task, server time and business date. Complete with it after minSeconds (the server clock decides).',
    response: TaskStarted,
    errors: ['VALIDATION_FAILED', 'TASK_NOT_FOUND'],
  }),
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
    body: CompleteTaskBody,
    summary:
      "Complete a task for this period: server-checked tasks are verified; browse tasks need the start token (body.token) and at least minSeconds on the server's clock since the start (else TASK_TOO_EARLY with secondsLeft); share tasks are paid when a new member registers through the share (ref), never by this call (TASK_NOT_DONE); client-reported ones are capped per day. Repeats return the first result.",
    response: TaskCompleted,
    errors: ['VALIDATION_FAILED', 'TASK_NOT_FOUND', 'TASK_NOT_DONE', 'TASK_DAILY_CAP', 'TASK_TOO_EARLY'],
  }),
};
