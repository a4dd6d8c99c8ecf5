import { useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getVouchers, type Voucher, type VoucherStatus } from '../../api/vouchers';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import ListFooter from '../../components/ListFooter';
import MemberCode from '../../components/MemberCode';
import { BottomSheet, CouponTicket, Page, StateView } from '../../ui';
import { formatDate, formatPoints } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import './index.scss';

const TABS: { status: VoucherStatus; text: string }[] = [
  { status: 'unused', text: '可使用' },
  { status: 'used', text: '已使用' },
  { status: 'expired', text: '已过期' },
];

const STAMP: Partial<Record<VoucherStatus, string>> = { used: '已使用', expired: '已过期', cancelled: '已作废' };

/** The stub's figure: what the voucher cost, or 礼 for a free one. */
const stubValue = (v: Voucher) => (v.costPoints > 0 ? formatPoints(v.costPoints) : '礼');

/** Vouchers as tickets by status; an unused one opens its code in a sheet for the staff to scan. */
export default function VouchersPage() {
  const [tab, setTab] = useState<VoucherStatus>('unused');
  const [open, setOpen] = useState<Voucher | null>(null);
  const list = useInfiniteList((cursor) => getVouchers(tab, cursor, 20), [tab]);
  useReachBottom(() => void list.loadMore());
  usePullDownRefresh(async () => {
    await list.refresh();
    void Taro.stopPullDownRefresh();
  });
  // A voucher written off at the counter moves to 已使用 when the member comes back.
  useDidShow(() => {
    if (list.items.length) void list.refresh();
  });

  return (
    <Page className="vouchers">
      <View className="vouchers__tabs">
        {TABS.map((t) => (
          <Text
            key={t.status}
            className={`vouchers__tab${t.status === tab ? ' is-active' : ''}`}
            onClick={() => {
              setOpen(null);
              setTab(t.status);
            }}
          >
            {t.text}
          </Text>
        ))}
      </View>

      <StateView
        loading={list.loading}
        error={list.items.length === 0 ? list.error : undefined}
        empty={list.empty}
        emptyText={tab === 'unused' ? '券包还是空的，去积分商城兑换吧' : '这里还没有券'}
        actionText={tab === 'unused' ? '去兑换' : undefined}
        onAction={() => go(ROUTES.benefits)}
        onRetry={list.loadMore}
      >
        {list.items.map((v) => (
          <CouponTicket
            key={v.id}
            testId="voucher"
            value={stubValue(v)}
            valueLabel={v.costPoints > 0 ? '积分兑换' : '免费领取'}
            title={v.title}
            muted={v.status !== 'unused'}
            stamp={STAMP[v.status]}
            description={
              v.status === 'used' && v.redeemedAt
                ? `${formatDate(v.redeemedAt)} 已在门店使用`
                : `有效期至 ${formatDate(v.validUntil)}`
            }
            action={v.status === 'unused' ? <Text className="vouchers__use">去使用 ›</Text> : undefined}
            onClick={() => v.status === 'unused' && setOpen(v)}
          />
        ))}
        <ListFooter
          loadingMore={list.loadingMore}
          done={list.done}
          error={list.error}
          count={list.items.length}
          onRetry={list.loadMore}
        />
      </StateView>

      <BottomSheet open={!!open} title={open?.title ?? ''} onClose={() => setOpen(null)} testId="voucher-code">
        {open && (
          <View className="vouchers__open" onClick={() => setOpen(null)}>
            <MemberCode code={open.code} barcode={/^[0-9]+$/.test(open.code)} />
            <Text className="vouchers__hint">向店员出示此码核销 · 有效期至 {formatDate(open.validUntil)}</Text>
          </View>
        )}
      </BottomSheet>
    </Page>
  );
}
