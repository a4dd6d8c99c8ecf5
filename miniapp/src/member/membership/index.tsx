import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getMyMembership, listPlans, membershipOrder, purchasePlan, type MembershipPlan } from '../../api/membership';
import { useAsync } from '../../hooks/useAsync';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { Badge, Button, Card, Page, StateView } from '../../ui';
import { isH5, toastError, toastInfo, toastOk } from '../../utils/feedback';
import { formatDate } from '../../utils/format';
import { benefitLines, priceText } from './plan-text';
import './index.scss';

const STATUS = { active: '生效中', expired: '已到期', refunded: '已退款', none: '未开通' } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Paid membership: my membership (plan, end date, what it gave this year) and the
 * plans on sale. Buying opens WeChat Pay; the membership starts only when the
 * server has the payment confirmed, so the page then polls the order (the server
 * asks WeChat Pay while it is unpaid). Renewing adds to the current end. The
 * browser build has no WeChat Pay and says so instead of offering to buy.
 */
export default function MembershipPage() {
  const mine = useAsync(getMyMembership, []);
  const plans = useAsync(listPlans, []);
  const flight = useSingleFlight();
  const [waiting, setWaiting] = useState(false);
  const m = mine.data;
  const active = m?.status === 'active';

  const buy = (p: MembershipPlan) =>
    flight.run(async () => {
      try {
        const order = await purchasePlan(p.code);
        try {
          await Taro.requestPayment({ ...order.requestPayment });
        } catch {
          // Cancelled or failed in WeChat: nothing was charged, nothing starts.
          toastInfo('支付未完成');
          return;
        }
        setWaiting(true);
        for (let i = 0; i < 20; i++) {
          const s = await membershipOrder(order.outTradeNo);
          if (s.activated) {
            toastOk(active ? '续费成功' : '开通成功');
            await mine.reload();
            return;
          }
          await sleep(1500);
        }
        toastInfo('支付结果确认中，请稍后刷新');
      } catch (e) {
        toastError(e);
      } finally {
        setWaiting(false);
      }
    });

  return (
    <Page className="membership">
      <StateView loading={mine.loading} error={mine.error && !m ? mine.error : undefined} onRetry={mine.reload}>
        {m && (
          <Card className={`membership__mine is-${m.status}`} testId="membership-mine">
            <View className="membership__row">
              <Text className="membership__title">{m.plan?.title ?? '付费会员'}</Text>
              <Badge text={STATUS[m.status]} tone={active ? 'accent' : 'neutral'} />
            </View>
            {m.endsAt && (
              <Text className="membership__muted" data-testid="membership-ends">
                {active ? '有效期至' : '到期于'} {formatDate(m.endsAt)}
              </Text>
            )}
            {active && (
              <Text className="membership__muted">
                今年已多得 {m.thisYear.bonusPoints} 积分
                {m.thisYear.capPoints ? ` / 上限 ${m.thisYear.capPoints}` : ''} · 礼包券 {m.thisYear.packVouchers} 张
              </Text>
            )}
          </Card>
        )}
      </StateView>
      <StateView
        loading={plans.loading}
        error={plans.error && !plans.data ? plans.error : undefined}
        onRetry={plans.reload}
      >
        {plans.data?.items.map((p) => (
          <Card key={p.code} title={p.title} extra={<Text className="membership__price">{priceText(p)}</Text>}>
            {benefitLines(p).map((l) => (
              <Text key={l} className="membership__benefit">
                · {l}
              </Text>
            ))}
            {isH5() || !plans.data?.payAvailable ? (
              <Text className="membership__h5" data-testid="membership-wechat-only">
                {isH5() ? '请在微信中购买' : '暂不支持购买，请稍后再试'}
              </Text>
            ) : (
              <Button
                block
                className="membership__buy"
                loading={flight.pending || waiting}
                onClick={() => void buy(p)}
                testId={`membership-buy-${p.code}`}
              >
                {active && m?.plan?.code === p.code ? '续费' : '立即开通'}
              </Button>
            )}
          </Card>
        ))}
      </StateView>
    </Page>
  );
}
