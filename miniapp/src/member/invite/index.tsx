import Taro, { useReachBottom, useShareAppMessage } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { getMe } from '../../api/me';
import { getInvitees, getReferralSummary, sharePath } from '../../api/referrals';
import { useAsync } from '../../hooks/useAsync';
import { useInfiniteList } from '../../hooks/useInfiniteList';
import StateView from '../../components/StateView';
import ListFooter from '../../components/ListFooter';
import PrivacySheet from '../../components/PrivacySheet';
import { isH5, toastOk } from '../../utils/feedback';
import { formatDate, formatPoints } from '../../utils/format';
import { ROUTES } from '../../utils/routes';
import Poster from './Poster';
import { rewardText } from './poster';
import './index.scss';
import { Page } from '../../ui';

/**
 * Invite friends: a share opens the card page with `?ref=<code>`, the poster's
 * mini-program code opens it with `scene=r=<code>`; app.ts keeps the code and
 * the friend's first login registers them as invited.
 */
export default function InvitePage() {
  const summary = useAsync(getReferralSummary, []);
  // The poster names the inviter; without a nickname it says 你的好友.
  const me = useAsync(getMe, []);
  const invitees = useInfiniteList(getInvitees, []);
  useReachBottom(() => void invitees.loadMore());

  useShareAppMessage(() => ({
    title: '送你一张会员卡，入会即享礼遇',
    path: sharePath(summary.data?.code, ROUTES.card),
  }));

  // A browser cannot open the WeChat share sheet: copy a link instead.
  const copyLink = () => {
    if (!summary.data) return;
    const url = `${window.location.origin}${window.location.pathname}#${sharePath(summary.data.code)}`;
    Taro.setClipboardData({ data: url })
      .then(() => toastOk('链接已复制'))
      .catch(() => undefined);
  };

  const s = summary.data;
  return (
    <Page>
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
            <Poster content={{ nickname: me.data?.nickname ?? null, rewardText: rewardText(s.rules), code: s.code }} />
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

      {/* Saving to the album is a privacy-protected API: WeChat may ask here. */}
      <PrivacySheet />
    </Page>
  );
}
