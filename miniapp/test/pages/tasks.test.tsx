import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ResponseFor } from '@huiyuan/shared';
import { advanceClock, loggedInMember, serve, settle } from '../http';
import TasksPage from '../../src/member/tasks/index';

beforeEach(loggedInMember);

type TaskView = ResponseFor<'listTasks'>['tasks'][number];
const task = (over: Partial<TaskView>): TaskView => ({
  code: 'x',
  title: 'x',
  period: 'daily',
  kind: 'client',
  points: 1,
  growth: 0,
  done: false,
  periodKey: '2026-11-24',
  state: 'todo',
  ...over,
});
const list = (tasks: TaskView[]): ResponseFor<'listTasks'> => ({ tasks, clientReportsLeftToday: 3 });
const browse = task({ code: 'browse_benefits', title: '逛逛积分商城', kind: 'browse', points: 5, minSeconds: 15 });
const share = task({ code: 'share_app', title: '分享给好友', kind: 'share', points: 20, dailyCap: 3, doneToday: 1 });
const started: ResponseFor<'startTask'> = { token: 'signed-start', minSeconds: 15, startedAt: '2026-11-24T04:00:00Z' };
const paid: ResponseFor<'completeTask'> = {
  code: 'browse_benefits',
  period: '2026-11-24',
  points: 5,
  growth: 0,
  balance: 5,
  replayed: false,
};

describe('tasks page', () => {
  it('browse: starts on the server, opens the mall, counts down, then completes with the token', async () => {
    const sent = serve({
      'GET /api/me/tasks': list([browse]),
      'POST /api/me/tasks/browse_benefits/start': started,
      'POST /api/me/tasks/browse_benefits/complete': paid,
    });
    const first = render(<TasksPage />);
    await settle();
    fireEvent.click(screen.getByText('去逛逛'));
    await settle();
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/benefits/index' });
    expect(screen.getByTestId('countdown').textContent).toBe('浏览中 15 秒');
    // Nothing is claimed before the time is up.
    expect(sent.filter((s) => s.path.endsWith('/complete'))).toHaveLength(0);
    first.unmount();
    // Back from the mall after the time: the page completes with the server's token.
    advanceClock(15_000);
    render(<TasksPage />);
    await settle();
    await settle();
    const done = sent.filter((s) => s.path.endsWith('/complete'));
    expect(done).toHaveLength(1);
    expect(done[0].data).toEqual({ token: 'signed-start' });
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '浏览完成 +5 积分' }));
  });

  it("browse: too early by the server's clock counts down the server's seconds left", async () => {
    serve({
      'GET /api/me/tasks': list([browse]),
      'POST /api/me/tasks/browse_benefits/start': started,
      'POST /api/me/tasks/browse_benefits/complete': {
        status: 409,
        body: { code: 'TASK_TOO_EARLY', message: 'early', details: { secondsLeft: 4 } },
      },
    });
    const first = render(<TasksPage />);
    await settle();
    fireEvent.click(screen.getByText('去逛逛'));
    await settle();
    first.unmount();
    advanceClock(15_000);
    render(<TasksPage />);
    await settle();
    await settle();
    expect(screen.getByTestId('countdown').textContent).toBe('浏览中 4 秒');
  });

  it('share: says it pays when a friend joins, with no claim button', async () => {
    const sent = serve({ 'GET /api/me/tasks': list([share]) });
    render(<TasksPage />);
    await settle();
    expect(screen.getByTestId('share-note').textContent).toContain('好友通过你的分享注册后自动发放（今日 1/3）');
    expect(screen.queryByText('领取')).toBeNull();
    fireEvent.click(screen.getByText('去分享 ›'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/member/invite/index' });
    expect(sent.filter((s) => s.method === 'POST')).toHaveLength(0);
  });
});
