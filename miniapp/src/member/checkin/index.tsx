import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { checkIn, getCheckinStatus, makeUp, type CheckinDay, type CheckinResult } from '../../api/checkin';
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

  const run = async (fn: () => Promise<CheckinResult>) => {
    setBusy(true);
    try {
      const r = await fn();
      const bonus = r.bonus ? `，${r.bonus.label} +${r.bonus.points}` : '';
      void Taro.showToast({
        title: r.replayed ? '已签到（重复提交未重复计分）' : `签到成功 +${r.points}${bonus}`,
        icon: 'none',
      });
      await status.reload();
    } catch (e) {
      toastError(e);
      void status.reload();
    } finally {
      setBusy(false);
    }
  };

  /** A missed day: pay with a make-up card when the member holds one (they are free), otherwise with points. */
  const onDay = async (d: CheckinDay) => {
    const s = status.data;
    if (!s || busy || !d.canMakeUp || s.makeupLeft <= 0) return;
    const payWith = s.makeupCards > 0 ? 'card' : 'points';
    const price = payWith === 'card' ? `使用 1 张补签卡（剩 ${s.makeupCards} 张）` : `消耗 ${s.makeupCost} 积分`;
    if (await confirm('补签', `补签 ${d.date}，${price}？本期还可补签 ${s.makeupLeft} 次`))
      await run(() => makeUp(d.date, payWith));
  };

  const s = status.data;
  return (
    <View className="page">
      <StateView loading={status.loading} error={status.error && !s ? status.error : undefined} onRetry={status.reload}>
        {s && (
          <>
            <View className="section checkin__head">
              <Text className="checkin__streak">已连续签到 {s.streak} 天</Text>
              {s.nextBonus && (
                <Text className="muted">
                  再签 {s.nextBonus.inDays} 天，额外奖励 {s.nextBonus.bonus} 积分
                </Text>
              )}
              <Button
                className="btn-primary"
                disabled={s.checkedInToday || busy}
                loading={busy}
                onClick={() => void run(() => checkIn(s.today))}
              >
                {s.checkedInToday ? '今日已签到' : `签到领 ${s.todayPoints} 积分`}
              </Button>
            </View>
            <View className="section">
              <View className="section-title">本月签到</View>
              <View className="checkin__grid">
                {s.days.map((d) => (
                  <View
                    key={d.date}
                    className={`checkin__day${d.checkedIn ? ' is-done' : ''}${d.date === s.today ? ' is-today' : ''}${d.canMakeUp ? ' is-missed' : ''}`}
                    onClick={() => void onDay(d)}
                  >
                    <Text>{Number(d.date.slice(8))}</Text>
                    {d.makeup && <Text className="checkin__tag">补</Text>}
                  </View>
                ))}
              </View>
              <Text className="muted">
                点击漏签的日期可补签，本期剩余 {s.makeupLeft} 次；每次 {s.makeupCost} 积分
                {s.makeupCards > 0 ? `，或用补签卡（持有 ${s.makeupCards} 张）` : ''}
              </Text>
            </View>
          </>
        )}
      </StateView>
    </View>
  );
}
