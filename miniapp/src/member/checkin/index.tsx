import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { checkIn, getCheckinStatus, makeUp, type CheckinDay } from '../../api/checkin';
import { useAsync } from '../../hooks/useAsync';
import StateView from '../../components/StateView';
import { confirm, toastError } from '../../utils/feedback';
import './index.scss';

/**
 * Daily check-in with the month's calendar. The day is the server's business
 * date (status.today); the api names the operation after it, so a retried
 * check-in can never be counted twice.
 */
export default function CheckinPage() {
  const status = useAsync(getCheckinStatus, []);
  const [busy, setBusy] = useState(false);

  const run = async (fn: () => Promise<{ points: number; bonus: { label: string; points: number } | null }>) => {
    setBusy(true);
    try {
      const r = await fn();
      const bonus = r.bonus ? `，${r.bonus.label} +${r.bonus.points}` : '';
      void Taro.showToast({ title: `签到成功 +${r.points}${bonus}`, icon: 'none' });
      await status.reload();
    } catch (e) {
      toastError(e);
      void status.reload();
    } finally {
      setBusy(false);
    }
  };

  const onDay = async (d: CheckinDay) => {
    const s = status.data;
    if (!s || d.checkedIn || d.date >= s.today || s.makeupLeft <= 0) return;
    if (await confirm('补签', `补签 ${d.date}？本月还可补签 ${s.makeupLeft} 次`)) await run(() => makeUp(d.date));
  };

  const s = status.data;
  return (
    <View className='page'>
      <StateView loading={status.loading} error={status.error && !s ? status.error : undefined} onRetry={status.reload}>
        {s && (
          <>
            <View className='section checkin__head'>
              <Text className='checkin__streak'>已连续签到 {s.streak} 天</Text>
              <Button className='btn-primary' disabled={s.checkedInToday || busy} loading={busy} onClick={() => void run(() => checkIn(s.today))}>
                {s.checkedInToday ? '今日已签到' : `签到领 ${s.todayPoints} 积分`}
              </Button>
            </View>
            <View className='section'>
              <View className='section-title'>本月签到</View>
              <View className='checkin__grid'>
                {s.days.map((d) => (
                  <View
                    key={d.date}
                    className={`checkin__day${d.checkedIn ? ' is-done' : ''}${d.date === s.today ? ' is-today' : ''}`}
                    onClick={() => void onDay(d)}
                  >
                    <Text>{Number(d.date.slice(8))}</Text>
                    {d.makeup && <Text className='checkin__tag'>补</Text>}
                  </View>
                ))}
              </View>
              <Text className='muted'>点击漏签的日期可补签，本月剩余 {s.makeupLeft} 次</Text>
            </View>
          </>
        )}
      </StateView>
    </View>
  );
}
