import { useState } from 'react';
import Taro, { useReachBottom, useShareAppMessage } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { getInvitees, getReferralSummary, sharePath } from '../../api/referrals';
import { useAsync } from '../../hooks/useAsync';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import StateView from '../../components/StateView';
import MemberCode from '../../components/MemberCode';
import ListFooter from '../../components/ListFooter';
import { isH5, toastOk } from '../../utils/feedback';
import { formatDate, formatPoints } from '../../utils/format';
import './index.scss';

/**
 * Invite friends: the share opens the card page with `?ref=<code>`; app.ts
 * keeps it and the friend's first login registers them as invited.
 */
export default function InvitePage() {
  const summary = useAsync(getReferralSummary, []);
  const invitees = useInfiniteList(getInvitees, []);
  useReachBottom(() => void invitees.loadMore());

  useShareAppMessage(() => ({
    title: '送你一张会员卡，入会即享礼遇',
    path: summary.data ? sharePath(summary.data.code) : '/pages/index/index',
  }));

  // A browser cannot open the WeChat share sheet: copy a link instead.
  const copyLink = () => {
    if (!summary.data) return;
    const url = `${window.location.origin}${window.location.pathname}#${sharePath(summary.data.code)}`;
    Taro.setClipboardData({ data: url })
      .then(() => toastOk('链接已复制'))
      .catch(() => undefined);
  };

  const [poster, setPoster] = useState(false);
  // The poster's QR carries the share link: scanned in a browser it opens the H5 card with the code;
  // in WeChat the shared card does the same. Members keep the poster by screenshot.
  const posterLink = () =>
    isH5()
      ? `${window.location.origin}${window.location.pathname}#${sharePath(summary.data!.code)}`
      : sharePath(summary.data!.code);

  const s = summary.data;
  return (
    <View className="page">
      <StateView
        loading={summary.loading}
        error={summary.error && !s ? summary.error : undefined}
        onRetry={summary.reload}
      >
        {s && (
          <View className="section invite__head">
            <Text className="invite__count">已邀请 {s.invitedCount} 位好友</Text>
            <Text className="muted">
              累计获得 {formatPoints(s.rewardedPoints)} 积分 · 邀请码 {s.code}
            </Text>
            {isH5() ? (
              <Button className="btn-primary invite__share" onClick={copyLink}>
                复制邀请链接
              </Button>
            ) : (
              <Button className="btn-primary invite__share" openType="share">
                邀请好友
              </Button>
            )}
            <Button className="invite__share" onClick={() => setPoster(!poster)} data-testid="invite-poster-toggle">
              {poster ? '收起海报' : '生成邀请海报'}
            </Button>
            {poster && (
              <View className="invite__poster" data-testid="invite-poster">
                <Text className="invite__poster-title">送你一张会员卡</Text>
                <Text className="muted">扫码入会，你我各得积分奖励</Text>
                <MemberCode code={posterLink()} barcode={false} showText={false} />
                <Text className="muted">邀请码 {s.code} · 截图保存海报</Text>
              </View>
            )}
            <View className="invite__milestones">
              {s.milestones.map((m) => (
                <View key={m.count} className={`invite__milestone${m.reached ? ' is-reached' : ''}`}>
                  <Text>邀请 {m.count} 人</Text>
                  <Text className="muted">{m.rewardLabel}</Text>
                </View>
              ))}
            </View>
          </View>
        )}
      </StateView>

      <View className="section">
        <View className="section-title">我邀请的好友</View>
        <StateView
          loading={invitees.loading}
          error={invitees.items.length === 0 ? invitees.error : undefined}
          empty={invitees.empty}
          emptyText="还没有好友通过你的邀请入会"
          onRetry={invitees.loadMore}
        >
          {invitees.items.map((i, idx) => (
            <View key={`${i.registeredAt}-${idx}`} className="invite__row">
              <Text>{i.maskedName}</Text>
              <Text className="muted">
                {formatDate(i.registeredAt)} 入会{i.status === 'rewarded' ? ' · 已奖励' : ''}
              </Text>
            </View>
          ))}
          <ListFooter
            loadingMore={invitees.loadingMore}
            done={invitees.done}
            error={invitees.error}
            count={invitees.items.length}
            onRetry={invitees.loadMore}
          />
        </StateView>
      </View>
    </View>
  );
}
