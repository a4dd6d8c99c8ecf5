import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Picker, Text, View } from '@tarojs/components';
import type { PatchMeRequest } from '@huiyuan/shared';
import { getMe, patchMe, PRIVACY_POLICY_VERSION } from '../../api/me';
import { getSubscriptionTemplates } from '../../api/subscriptions';
import { deleteMyAccount, exportMyData } from '../../api/privacy';
import { clearMemberSession } from '../../api/session';
import { useAsync } from '../../hooks/useAsync';
import StateView from '../../components/StateView';
import { confirm, isH5, toastError, toastOk } from '../../utils/feedback';
import { formatDate } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import { subscribe } from './subscribe';
import './index.scss';

const LINKS = [
  { text: '会员等级', url: ROUTES.tier },
  { text: '我的券', url: ROUTES.vouchers },
  { text: '每日签到', url: ROUTES.checkin },
  { text: '任务中心', url: ROUTES.tasks },
  { text: '邀请好友', url: ROUTES.invite },
  { text: '消息中心', url: ROUTES.messages },
  { text: '店员入口', url: ROUTES.staffLogin },
];

/** Today in China time, for the birthday picker's upper bound. */
const todayIso = () => formatDate(new Date().toISOString());

/** Nickname, birthday (once), phone, privacy consent, notification subscriptions. */
export default function ProfilePage() {
  const me = useAsync(getMe, []);
  // Loaded up front: the subscribe tap must not wait on the network (see subscribe.ts).
  const templates = useAsync(getSubscriptionTemplates, [], { skip: isH5() });
  const [nickname, setNickname] = useState<string | null>(null);
  const [phone, setPhone] = useState('');
  const [saving, setSaving] = useState(false);

  const save = async (patch: PatchMeRequest, done: string) => {
    setSaving(true);
    try {
      me.setData(await patchMe(patch));
      toastOk(done);
      return true;
    } catch (e) {
      toastError(e);
      return false;
    } finally {
      setSaving(false);
    }
  };

  const pickBirthday = async (date: string) => {
    if (!(await confirm('设置生日', `生日设置为 ${date}，设置后不可修改`))) return;
    await save({ birthday: date }, '生日已设置');
  };

  const onSubscribe = () => {
    const list = templates.data?.templates ?? [];
    if (list.length === 0) return;
    subscribe(list)
      .then((r) => toastOk(r.accepted > 0 ? `已订阅 ${r.accepted} 项通知` : '已保存通知设置'))
      .catch(toastError);
  };

  const m = me.data;
  const consentCurrent = m?.privacyConsent?.version === PRIVACY_POLICY_VERSION;
  const onExport = async () => {
    try {
      const data = await exportMyData();
      const text = JSON.stringify(data, null, 2);
      // The export is the member's own copy: put it on the clipboard to keep or send.
      await Taro.setClipboardData({ data: text });
      void Taro.showToast({ title: `已复制 ${Math.round(text.length / 1024)} KB 数据`, icon: 'none' });
    } catch (e) {
      toastError(e);
    }
  };

  const onDelete = async () => {
    if (
      !(await confirm('注销账号', '注销后昵称、生日、手机号等个人信息将被删除且无法恢复，积分和券将作废。确定注销？'))
    )
      return;
    try {
      await deleteMyAccount();
      clearMemberSession();
      void Taro.showToast({ title: '账号已注销', icon: 'none' });
      go(ROUTES.card);
    } catch (e) {
      toastError(e);
    }
  };

  return (
    <View className="page profile">
      <StateView loading={me.loading} error={me.error && !m ? me.error : undefined} onRetry={me.reload}>
        {m && (
          <View className="section" data-testid="profile-form">
            <View className="profile__row">
              <Text className="profile__label">昵称</Text>
              <Input
                className="input profile__input"
                maxlength={32}
                placeholder="填写昵称"
                value={nickname ?? m.nickname ?? ''}
                onInput={(e) => setNickname(e.detail.value)}
              />
              <Button
                size="mini"
                disabled={saving || !nickname?.trim() || nickname.trim() === m.nickname}
                onClick={() => void save({ nickname: nickname!.trim() }, '昵称已保存')}
              >
                保存
              </Button>
            </View>

            <View className="profile__row">
              <Text className="profile__label">生日</Text>
              {m.birthday ? (
                <Text data-testid="profile-birthday">
                  {m.birthday}
                  <Text className="muted">（不可修改）</Text>
                </Text>
              ) : (
                <Picker
                  mode="date"
                  value="1995-01-01"
                  start="1900-01-01"
                  end={todayIso()}
                  onChange={(e) => void pickBirthday(String(e.detail.value))}
                >
                  <Text className="profile__link">设置生日，生日当月享礼遇</Text>
                </Picker>
              )}
            </View>

            <View className="profile__row">
              <Text className="profile__label">手机</Text>
              <Input
                className="input profile__input"
                type="number"
                maxlength={11}
                placeholder={m.phoneMasked ?? '填写手机号'}
                value={phone}
                onInput={(e) => setPhone(e.detail.value)}
              />
              <Button
                size="mini"
                disabled={saving || !/^1[3-9][0-9]{9}$/.test(phone)}
                onClick={() => void save({ phone }, '手机号已保存').then((ok) => ok && setPhone(''))}
              >
                保存
              </Button>
            </View>

            <View className="profile__row">
              <Text className="profile__label">隐私</Text>
              {consentCurrent ? (
                <Text className="muted">已于 {formatDate(m.privacyConsent!.acceptedAt)} 同意隐私政策</Text>
              ) : (
                <Button
                  size="mini"
                  className="btn-primary"
                  disabled={saving}
                  onClick={() => void save({ privacyConsentVersion: PRIVACY_POLICY_VERSION }, '已同意')}
                >
                  {m.privacyConsent ? '隐私政策已更新，查看并同意' : '同意《隐私政策》'}
                </Button>
              )}
            </View>
          </View>
        )}
      </StateView>

      <View className="section">
        <View className="section-title">消息通知</View>
        {isH5() ? (
          <Text className="muted">请在微信小程序中订阅通知</Text>
        ) : (
          <StateView
            loading={templates.loading}
            error={templates.error}
            onRetry={templates.reload}
            empty={templates.data?.templates.length === 0}
            emptyText="暂无可订阅的通知"
          >
            <Text className="muted">{(templates.data?.templates ?? []).map((t) => t.title).join('、')}</Text>
            <Button className="btn-primary profile__subscribe" onClick={onSubscribe}>
              订阅积分与权益通知
            </Button>
          </StateView>
        )}
      </View>

      <View className="section">
        <View className="section-title">个人信息与隐私</View>
        <View className="profile__link-row" onClick={() => void onExport()} data-testid="export-data">
          <Text>导出我的数据</Text>
          <Text className="muted">›</Text>
        </View>
        <View className="profile__link-row" onClick={() => void onDelete()} data-testid="delete-account">
          <Text>注销账号</Text>
          <Text className="muted">›</Text>
        </View>
      </View>

      <View className="section">
        {LINKS.map((l) => (
          <View key={l.url} className="profile__link-row" onClick={() => go(l.url)}>
            <Text>{l.text}</Text>
            <Text className="muted">›</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
