import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { completeTask, getTasks } from '../../api/tasks';
import { useAsync } from '../../hooks/useAsync';
import StateView from '../../components/StateView';
import { toastError } from '../../utils/feedback';
import { go, ROUTES } from '../../utils/routes';
import { Page } from '../../ui';
import { useBrowse } from './useBrowse';
import './index.scss';

const PERIOD: Record<string, string> = { once: '一次性', daily: '每日', weekly: '每周' };
// Where a member goes to do a task the server checks; client-reported tasks are claimed here.
const WHERE: Record<string, string> = {
  profile: ROUTES.profile,
  first_purchase: ROUTES.card,
  subscribe: ROUTES.profile,
};

/**
 * Tasks: rewards once per period; server-checked tasks say what is missing. A
 * browse task counts down from the server's start and completes with its token;
 * a share task pays by itself when a friend joins through the share.
 */
export default function TasksPage() {
  const tasks = useAsync(getTasks, []);
  const [busy, setBusy] = useState<string | null>(null);
  const today = new Date().toISOString().slice(0, 10);
  const browse = useBrowse(today, (points, replayed) => {
    void Taro.showToast({ title: replayed ? '本期已领取' : `浏览完成 +${points} 积分`, icon: 'none' });
    void tasks.reload();
  });

  const claim = async (code: string) => {
    setBusy(code);
    try {
      const r = await completeTask(code, today);
      void Taro.showToast({ title: r.replayed ? '本期已领取' : `领取成功 +${r.points} 积分`, icon: 'none' });
      await tasks.reload();
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(null);
    }
  };

  const t = tasks.data;
  return (
    <Page>
      <StateView
        loading={tasks.loading}
        error={tasks.error && !t ? tasks.error : undefined}
        onRetry={tasks.reload}
        empty={t?.tasks.length === 0}
        emptyText="暂无任务"
      >
        {t && (
          <View className="section">
            {t.tasks.some((x) => x.kind === 'client') && (
              <Text className="muted">今日还可领取自助类任务 {t.clientReportsLeftToday} 次</Text>
            )}
            {t.tasks.map((task) => (
              <View key={task.code} className="task-row" data-testid="task">
                <View className="task-row__main">
                  <Text>{task.title}</Text>
                  <Text className="muted">{` ${PERIOD[task.period]} · ${task.points} 积分${task.kind === 'share' ? '/位好友' : ''}${task.growth ? ` · ${task.growth} 成长值` : ''}`}</Text>
                  {task.kind === 'share' && (
                    <Text className="muted" data-testid="share-note">
                      {` 好友通过你的分享注册后自动发放（今日 ${task.doneToday ?? 0}/${task.dailyCap ?? 0}）`}
                    </Text>
                  )}
                  {task.kind === 'browse' && !task.done && (
                    <Text className="muted">{` 浏览满 ${task.minSeconds ?? 15} 秒可得`}</Text>
                  )}
                </View>
                {task.kind === 'share' ? (
                  task.state === 'capped' ? (
                    <Text className="muted">今日已满</Text>
                  ) : (
                    <Text className="muted" onClick={() => go(ROUTES.invite)}>
                      去分享 ›
                    </Text>
                  )
                ) : task.done ? (
                  <Text className="muted">已完成</Text>
                ) : task.kind === 'browse' ? (
                  browse.browsing === task.code ? (
                    <Text className="muted" data-testid="countdown">
                      {browse.left > 0 ? `浏览中 ${browse.left} 秒` : '领取中…'}
                    </Text>
                  ) : (
                    <Button
                      size="mini"
                      className="btn-primary"
                      disabled={busy !== null || browse.browsing !== null || undefined}
                      onClick={() => void browse.start(task.code, () => go(ROUTES.benefits))}
                    >
                      去逛逛
                    </Button>
                  )
                ) : task.kind === 'client' ? (
                  <Button
                    size="mini"
                    className="btn-primary"
                    loading={busy === task.code || undefined}
                    disabled={busy !== null || undefined}
                    onClick={() => void claim(task.code)}
                  >
                    领取
                  </Button>
                ) : (
                  <View>
                    <Button size="mini" disabled={busy !== null || undefined} onClick={() => void claim(task.code)}>
                      领取
                    </Button>
                    <Text className="muted" onClick={() => go(WHERE[task.kind] ?? ROUTES.card)}>
                      {' '}
                      去完成 ›
                    </Text>
                  </View>
                )}
              </View>
            ))}
          </View>
        )}
      </StateView>
    </Page>
  );
}
