import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import {
  checkIn,
  getCheckinStatus,
  makeUp,
  type CheckinDay,
  type CheckinResult,
  type MakeupResult,
} from '../../api/checkin';
import { useAsync } from '../../hooks/useAsync';
import { useSubscriptions } from '../../hooks/useSubscribe';
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
  // After a check-in the member may ask to be reminded tomorrow: a tap of its own, as WeChat requires.
  const subs = useSubscriptions();
  const [offerReminder, setOfferReminder] = useState(false);

  const run = async (fn: () => Promise<CheckinResult | MakeupResult>) => {
    setBusy(true);
    try {
      const r = await fn();
      // A make-up day never carries a streak bonus; a check-in may.
      const bonus = 'bonus' in r && r.bonus > 0 ? `，连续签到奖励 +${r.bonus}` : '';
      void Taro.showToast({
        title: r.replayed ? '已签到（重复提交未重复计分）' : `签到成功 +${r.points}${bonus}`,
        icon: 'none',
      });
      setOfferReminder(true);
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
    if (!s || busy || !d.canMakeUp || s.makeup.remainingInCycle <= 0) return;
    const payWith = s.makeup.cards > 0 ? 'card' : 'points';
    const price =
      payWith === 'card' ? `使用 1 张补签卡（剩 ${s.makeup.cards} 张）` : `消耗 ${s.makeup.costPoints} 积分`;
    if (await confirm('补签', `补签 ${d.date}，${price}？本期还可补签 ${s.makeup.remainingInCycle} 次`))
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
                // undefined, not false: the browser build renders disabled="false" as disabled.
                disabled={s.checkedInToday || busy || undefined}
                loading={busy || undefined}
                onClick={() => void run(() => checkIn(s.today))}
              >
                {s.checkedInToday ? '今日已签到' : `签到领 ${s.todayReward.total} 积分`}
              </Button>
              {offerReminder && subs.needs('checkin') && (
                <Button
                  size="mini"
                  className="checkin__remind"
                  onClick={() => void subs.ask('checkin').then((r) => r && setOfferReminder(false))}
                  data-testid="subscribe-checkin"
                >
                  明天提醒我签到
                </Button>
              )}
            </View>
            <View className="section">
              <View className="section-title">本月签到</View>
              <View className="checkin__grid">
                {s.days.map((d) => (
                  <View
                    key={d.date}
                    className={`checkin__day${d.checked ? ' is-done' : ''}${d.date === s.today ? ' is-today' : ''}${d.canMakeUp ? ' is-missed' : ''}`}
                    onClick={() => void onDay(d)}
                  >
                    <Text>{Number(d.date.slice(8))}</Text>
                    {d.kind === 'makeup' && <Text className="checkin__tag">补</Text>}
                  </View>
                ))}
              </View>
              <Text className="muted">
                点击漏签的日期可补签，本期剩余 {s.makeup.remainingInCycle} 次；每次 {s.makeup.costPoints} 积分
                {s.makeup.cards > 0 ? `，或用补签卡（持有 ${s.makeup.cards} 张）` : ''}
              </Text>
            </View>
          </>
        )}
      </StateView>
    </View>
  );
}
