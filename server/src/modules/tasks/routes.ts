import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

export function taskRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.listTasks, async (ctx) => c.tasks.list(ctx.state.member.id));
  r.add(endpoints.startTask, async (ctx, { params }) => c.tasks.start(ctx.state.member.id, params.code));
  r.add(endpoints.completeTask, async (ctx, { params, body }) =>
    c.tasks.complete(ctx.state.member.id, params.code, body.token),
  );
}
