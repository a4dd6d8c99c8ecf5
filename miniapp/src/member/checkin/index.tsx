import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { checkIn, getCheckinStatus, makeUp, type CheckinDay } from '../../api/checkin';
import { useAsync } from '../../hooks/useAsync';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { useSubscriptions } from '../../hooks/useSubscribe';
import { shortDate } from '../../domain/calendar';
import { BottomSheet, Button, Card, Page, StateView } from '../../ui';
import { toastError, toastInfo } from '../../utils/feedback';
import Calendar from './Calendar';
import './index.scss';

/** The words after a make-up: what it cost and what it gave, both. */
export function makeUpText(r: { paidPoints: number; paidCards: number; points: number; replayed: boolean }): string {
  if (r.replayed) return '这一天已经补签过了';
  const paid = r.paidCards > 0 ? `使用 ${r.paidCards} 张补签卡` : `消耗 ${r.paidPoints} 积分`;
  return `补签成功，${paid}，获得 ${r.points} 积分`;
}

/**
 * Daily check-in with the month's calendar. The day is the server's business
 * date (status.today); the api names the operation after it, so a retried
 * check-in can never be counted twice. A missed day is made up from a sheet
 * that states its cost before anything is spent.
 */
export default function CheckinPage() {
  const status = useAsync(getCheckinStatus, []);
  const flight = useSingleFlight();
  const [missed, setMissed] = useState<CheckinDay | null>(null);
  // After a check-in the member may ask to be reminded tomorrow: a tap of its own, as WeChat requires.
  const subs = useSubscriptions();
  const [offerReminder, setOfferReminder] = useState(false);
  const s = status.data;

  const onCheckIn = () =>
    void flight.run(async () => {
      if (!s) return;
      try {
        const r = await checkIn(s.today);
        const bonus = r.bonus > 0 ? `，连续签到奖励 +${r.bonus}` : '';
        toastInfo(r.replayed ? '今天已经签到过了' : `签到成功 +${r.points}${bonus}`);
        setOfferReminder(true);
      } catch (e) {
        toastError(e);
      }
      await status.reload();
    });

  /** Pays with a make-up card when the member holds one (they are free), otherwise with points. */
  const payWith = s && s.makeup.cards > 0 ? 'card' : 'points';
  const onMakeUp = () =>
    void flight.run(async () => {
      if (!missed) return;
      try {
        const r = await makeUp(missed.date, payWith ?? 'points');
        setMissed(null);
        toastInfo(makeUpText(r));
      } catch (e) {
        toastError(e);
      }
      await status.reload();
    });

  return (
    <Page className="checkin">
      <StateView loading={status.loading} error={status.error && !s ? status.error : undefined} onRetry={status.reload}>
        {s && (
          <>
            <View className="checkin__hero">
              <Text className="checkin__streak">
                已连续签到 <Text className="checkin__streak-n">{s.streak}</Text> 天
              </Text>
              {s.nextBonus && (
                <Text className="checkin__next">
                  再签 {s.nextBonus.inDays} 天，额外奖励 {s.nextBonus.bonus} 积分
                </Text>
              )}
              <Button
                variant="accent"
                size="lg"
                className="checkin__btn"
                disabled={s.checkedInToday}
                loading={flight.pending && !missed}
                onClick={onCheckIn}
                testId="checkin-button"
              >
                {s.checkedInToday ? '今日已签到' : `签到领 ${s.todayReward.total} 积分`}
              </Button>
              {offerReminder && subs.needs('checkin') && (
                <Button
                  size="sm"
                  variant="secondary"
                  className="checkin__remind"
                  onClick={() => void subs.ask('checkin').then((r) => r && setOfferReminder(false))}
                  testId="subscribe-checkin"
                >
                  明天提醒我签到
                </Button>
              )}
            </View>
            <Card title={`${Number(s.month.slice(5, 7))}月签到`}>
              <Calendar
                month={s.month}
                today={s.today}
                days={s.days}
                dailyReward={s.todayReward.base}
                todayReward={s.todayReward.total}
                onMakeUp={(d) => !flight.pending && s.makeup.remainingInCycle > 0 && setMissed(d)}
              />
              <Text className="checkin__rule">
                点击漏签的日期可补签，本期剩余 {s.makeup.remainingInCycle} 次；每次 {s.makeup.costPoints} 积分
                {s.makeup.cards > 0 ? `，或用补签卡（持有 ${s.makeup.cards} 张）` : ''}
              </Text>
            </Card>
            <BottomSheet
              open={!!missed}
              title="补签"
              onClose={() => !flight.pending && setMissed(null)}
              onConfirm={onMakeUp}
              confirmText="确认补签"
              confirmLoading={flight.pending}
              testId="makeup-sheet"
            >
              {missed && (
                <View className="makeup">
                  <Text className="makeup__line" data-testid="makeup-cost">
                    补签 {shortDate(missed.date)}，
                    {payWith === 'card'
                      ? `使用 1 张补签卡（剩 ${s.makeup.cards} 张）`
                      : `消耗 ${s.makeup.costPoints} 积分`}
                  </Text>
                  <Text className="makeup__hint">
                    补签后可获得当日签到积分，本期还可补签 {s.makeup.remainingInCycle} 次
                  </Text>
                </View>
              )}
            </BottomSheet>
          </>
        )}
      </StateView>
    </Page>
  );
}
