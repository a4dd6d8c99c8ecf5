import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { completeTask, getTasks } from '../../api/tasks';
import { useAsync } from '../../hooks/useAsync';
import StateView from '../../components/StateView';
import { toastError } from '../../utils/feedback';
import { go, ROUTES } from '../../utils/routes';

const PERIOD: Record<string, string> = { once: '一次性', daily: '每日', weekly: '每周' };
// Where a member goes to do a task the server checks; client-reported tasks are claimed here.
const WHERE: Record<string, string> = {
  profile: ROUTES.profile,
  first_purchase: ROUTES.card,
  subscribe: ROUTES.profile,
};

/** Tasks: rewards once per period; server-checked tasks say what is missing, client-reported ones are capped per day. */
export default function TasksPage() {
  const tasks = useAsync(getTasks, []);
  const [busy, setBusy] = useState<string | null>(null);
  const today = new Date().toISOString().slice(0, 10);

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
    <View className="page">
      <StateView
        loading={tasks.loading}
        error={tasks.error && !t ? tasks.error : undefined}
        onRetry={tasks.reload}
        empty={t?.tasks.length === 0}
        emptyText="暂无任务"
      >
        {t && (
          <View className="section">
            <Text className="muted">今日还可领取分享/浏览类任务 {t.clientReportsLeftToday} 次</Text>
            {t.tasks.map((task) => (
              <View key={task.code} className="profile__link-row" data-testid="task">
                <View>
                  <Text>{task.title}</Text>
                  <Text className="muted">{` ${PERIOD[task.period]} · ${task.points} 积分${task.growth ? ` · ${task.growth} 成长值` : ''}`}</Text>
                </View>
                {task.done ? (
                  <Text className="muted">已完成</Text>
                ) : task.kind === 'client' ? (
                  <Button
                    size="mini"
                    className="btn-primary"
                    loading={busy === task.code}
                    disabled={busy !== null}
                    onClick={() => void claim(task.code)}
                  >
                    领取
                  </Button>
                ) : (
                  <View>
                    <Button size="mini" disabled={busy !== null} onClick={() => void claim(task.code)}>
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
    </View>
  );
}
