import { useState } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { answerConfirmation, type Confirmation } from '../../api/confirmations';
import { usePendingConfirmations } from '../../hooks/usePendingConfirmations';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { BottomSheet, Button, Card, Page, StateView } from '../../ui';
import { toastError } from '../../utils/feedback';
import { formatCents, formatDateTime, formatPoints } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import './index.scss';

function doneTitle(d: { c: Confirmation; status: 'confirmed' | 'rejected' }): string {
  if (d.c.purpose === 'redeem') return d.status === 'confirmed' ? '已同意使用积分' : '已拒绝使用积分';
  return d.status === 'confirmed' ? '已确认是本人' : '已拒绝';
}

function doneText(d: { c: Confirmation; status: 'confirmed' | 'rejected' }): string {
  if (d.c.purpose === 'redeem')
    return d.status === 'confirmed'
      ? `${d.c.storeName}结账时将使用 ${formatPoints(d.c.points ?? 0)} 积分，未结账不会扣除。`
      : '本单不会使用您的积分。';
  return d.status === 'confirmed'
    ? `${d.c.storeName}的店员现在可以为您积分，5 分钟内有效。`
    : '店员不会看到您的会员信息。如非本人操作，无需其他处理。';
}

/** HH:mm in business time (the counter's clock, not the phone's zone). */
const hhmm = (iso: string) => formatDateTime(iso).slice(11);

/**
 * A clerk looked this member up by phone at the counter: the member says it is
 * them (the clerk can then credit the purchase) or not. Confirming goes through
 * a sheet whose button ignores taps for 400 ms, so the tap that opened the page
 * from a message cannot also confirm; refusing is not shown to the clerk (the
 * request just lapses). When the operator chose codes, the page shows the 6
 * digits to read to the clerk instead. A clerk's request to pay part of an
 * order with points (operator setting `phone`) shows the points, the discount
 * and the order amount, and is agreed to the same way.
 */
export default function ConfirmPage() {
  const [visible, setVisible] = useState(true);
  const pending = usePendingConfirmations(visible);
  const [asking, setAsking] = useState<Confirmation | null>(null);
  const [done, setDone] = useState<{ c: Confirmation; status: 'confirmed' | 'rejected' } | null>(null);
  const flight = useSingleFlight();

  useDidShow(() => setVisible(true));
  useDidHide(() => setVisible(false));

  const answer = (c: Confirmation, what: 'confirm' | 'reject') =>
    flight.run(async () => {
      try {
        const r = await answerConfirmation(c.id, what);
        setDone({ c, status: r.status });
        pending.drop(c.id);
      } catch (e) {
        // Lapsed or answered elsewhere: the list says what is still open.
        toastError(e);
        void pending.reload();
      } finally {
        setAsking(null);
      }
    });

  return (
    <Page className="confirm">
      {done && (
        <Card className={`confirm__done is-${done.status}`} testId="confirm-done">
          <Text className="confirm__done-title">{doneTitle(done)}</Text>
          <Text className="confirm__done-text">{doneText(done)}</Text>
        </Card>
      )}
      <StateView
        loading={!pending.loaded}
        loadingText="正在查看确认请求…"
        empty={pending.loaded && pending.items.length === 0 && !done}
        emptyText="暂无待确认的请求"
        actionText="返回会员卡"
        onAction={() => go(ROUTES.card)}
      >
        {pending.items.map((c) => (
          <Card key={c.id} title={c.storeName} extra={`${hhmm(c.expiresAt)} 前有效`} testId="confirm-request">
            {c.purpose === 'redeem' ? (
              <View data-testid="confirm-redeem">
                <Text className="confirm__text">店员请求本单使用积分抵现，请核对：</Text>
                <View className="confirm__row">
                  <Text>使用积分</Text>
                  <Text className="confirm__strong">{formatPoints(c.points ?? 0)}</Text>
                </View>
                <View className="confirm__row">
                  <Text>抵扣金额</Text>
                  <Text className="confirm__strong">{formatCents(c.discountCents ?? 0)}</Text>
                </View>
                <View className="confirm__row">
                  <Text>订单金额</Text>
                  <Text>{formatCents(c.amountCents ?? 0)}</Text>
                </View>
              </View>
            ) : (
              <Text className="confirm__text">店员正在通过手机号查找您的会员身份。请确认您本人正在该门店。</Text>
            )}
            {c.confirm === 'member_code' && c.code ? (
              <View className="confirm__code-box">
                <Text className="confirm__hint">请将验证码告诉店员</Text>
                <Text className="confirm__code" data-testid="confirm-code">
                  {c.code}
                </Text>
              </View>
            ) : null}
            <View className="confirm__actions">
              <Button
                variant="ghost"
                disabled={flight.pending}
                onClick={() => void answer(c, 'reject')}
                testId="confirm-reject"
              >
                {c.purpose === 'redeem' ? '不同意' : '不是我'}
              </Button>
              {c.confirm === 'member_confirm' && (
                <Button variant="accent" onClick={() => setAsking(c)} testId="confirm-open">
                  {c.purpose === 'redeem' ? '同意使用' : '是我本人'}
                </Button>
              )}
            </View>
          </Card>
        ))}
      </StateView>
      {pending.loaded && pending.items.length === 0 && done && (
        <Text className="confirm__back" onClick={() => go(ROUTES.card)}>
          返回会员卡
        </Text>
      )}
      <BottomSheet
        open={!!asking}
        title={asking?.purpose === 'redeem' ? '确认使用积分' : '确认是本人在店'}
        onClose={() => !flight.pending && setAsking(null)}
        onConfirm={() => asking && void answer(asking, 'confirm')}
        confirmText={asking?.purpose === 'redeem' ? '确认使用' : '确认是我'}
        cancelText="取消"
        confirmLoading={flight.pending}
        testId="confirm-sheet"
      >
        {asking && (
          <Text className="confirm__sheet-text">
            {asking.purpose === 'redeem'
              ? `确认后，${asking.storeName}本单将使用 ${formatPoints(asking.points ?? 0)} 积分抵扣 ${formatCents(asking.discountCents ?? 0)}。`
              : `确认后，${asking.storeName}的店员可凭此为您本单积分一次。不在店内请勿确认。`}
          </Text>
        )}
      </BottomSheet>
    </Page>
  );
}
