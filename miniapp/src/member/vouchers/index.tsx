import { useState } from 'react';
import { useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { getVouchers, type Voucher, type VoucherStatus } from '../../api/vouchers';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import StateView from '../../components/StateView';
import ListFooter from '../../components/ListFooter';
import MemberCode from '../../components/MemberCode';
import { formatDate } from '../../utils/format';
import './index.scss';

const TABS: { status: VoucherStatus; text: string }[] = [
  { status: 'unused', text: '可使用' },
  { status: 'used', text: '已使用' },
  { status: 'expired', text: '已过期' },
];

/** Vouchers by status; an unused one opens its code for the staff to scan. */
export default function VouchersPage() {
  const [tab, setTab] = useState<VoucherStatus>('unused');
  const [open, setOpen] = useState<Voucher | null>(null);
  const list = useInfiniteList((cursor) => getVouchers(tab, cursor, 20), [tab]);
  useReachBottom(() => void list.loadMore());

  return (
    <View className="page">
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

      {open && (
        <View className="section vouchers__open" onClick={() => setOpen(null)}>
          <Text className="section-title">{open.title}</Text>
          <MemberCode code={open.code} barcode={/^[0-9]+$/.test(open.code)} />
          <Text className="muted">向店员出示此码核销 · 点击收起</Text>
        </View>
      )}

      <StateView
        loading={list.loading}
        error={list.items.length === 0 ? list.error : undefined}
        empty={list.empty}
        emptyText="这里还没有券，去权益页兑换吧"
        onRetry={list.loadMore}
      >
        {list.items.map((v) => (
          <View
            key={v.id}
            className={`section voucher voucher--${v.status}`}
            onClick={() => v.status === 'unused' && setOpen(v)}
          >
            <Text className="voucher__title">{v.title}</Text>
            <Text className="muted">
              {v.status === 'used' && v.redeemedAt
                ? `${formatDate(v.redeemedAt)} 已在门店使用`
                : `有效期至 ${formatDate(v.validUntil)}`}
            </Text>
            {v.status === 'unused' && <Text className="voucher__use">去使用 ›</Text>}
          </View>
        ))}
        <ListFooter
          loadingMore={list.loadingMore}
          done={list.done}
          error={list.error}
          count={list.items.length}
          onRetry={list.loadMore}
        />
      </StateView>
    </View>
  );
}
