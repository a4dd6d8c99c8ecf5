import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Picker, Text, View } from '@tarojs/components';
import type { MeResponse, PatchMeRequest } from '@huiyuan/shared';
import { getMe, patchMe } from '../../api/me';
import { deleteMyAccount, exportMyData } from '../../api/privacy';
import { clearMemberSession } from '../../api/session';
import { useAsync } from '../../hooks/useAsync';
import { useSubscriptions } from '../../hooks/useSubscribe';
import { onConsent, requestConsent, withConsent } from '../../privacy/consent';
import PrivacySheet from '../../components/PrivacySheet';
import { confirm, toastError, toastOk } from '../../utils/feedback';
import { formatDate } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import PhoneRow from './PhoneRow';
import Notifications from './Notifications';
import { Page, StateView } from '../../ui';
import './index.scss';

/** Today in China time, for the birthday picker's upper bound. */
const todayIso = () => formatDate(new Date().toISOString());

/**
 * Settings, opened from 我的: nickname, birthday (once), phone, privacy consent,
 * notification subscriptions, data export and account deletion.
 * Personal data is sent only behind the consent gate: when the server says the
 * current policy is not accepted, the privacy sheet asks first.
 */
export default function SettingsPage() {
  const me = useAsync(getMe, []);
  // Loaded up front: a subscribe tap must not wait on the network (see subscribe/index.ts).
  const subs = useSubscriptions();
  const [nickname, setNickname] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const m = me.data;
  const update = (patch: Partial<MeResponse>) => m && me.setData({ ...m, ...patch });

  // The sheet records consent wherever it was opened from; show it here at once.
  const { setData: setMe } = me;
  useEffect(() => onConsent((c) => m && setMe({ ...m, consentRequired: false, privacyConsent: c })), [m, setMe]);

  const gate = <T,>(send: () => Promise<T>) => withConsent(me.data, send);

  const save = async (patch: PatchMeRequest, done: string) => {
    setSaving(true);
    try {
      const r = await gate(() => patchMe(patch));
      if (!r.sent) {
        void Taro.showToast({ title: '同意隐私政策后才能保存', icon: 'none' });
        return false;
      }
      me.setData(r.value);
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
    <Page className="profile">
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
                disabled={saving || !nickname?.trim() || nickname.trim() === m.nickname || undefined}
                onClick={() => void save({ nickname: nickname!.trim() }, '昵称已保存')}
              >
                保存
              </Button>
            </View>

            <View className="profile__row">
              <Text className="profile__label">生日</Text>
              {m.birthday ? (
                <>
                  <Text data-testid="profile-birthday">
                    {m.birthday}
                    <Text className="muted">（不可修改）</Text>
                  </Text>
                  {subs.can('birthday') && (
                    <Button size="mini" onClick={() => void subs.ask('birthday')} data-testid="subscribe-birthday">
                      生日礼提醒
                    </Button>
                  )}
                </>
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

            <PhoneRow
              me={m}
              saving={saving}
              withConsent={gate}
              saveTyped={(phone) => save({ phone }, '手机号已保存')}
              onBound={update}
            />

            <View className="profile__row">
              <Text className="profile__label">隐私</Text>
              {m.consentRequired ? (
                <Button
                  size="mini"
                  className="btn-primary"
                  onClick={() => void requestConsent()}
                  data-testid="consent-ask"
                >
                  {m.privacyConsent ? '隐私政策已更新，查看并同意' : '阅读并同意《隐私政策》'}
                </Button>
              ) : (
                <Text className="muted" onClick={() => go(ROUTES.privacy)}>
                  已于 {m.privacyConsent ? formatDate(m.privacyConsent.acceptedAt) : '—'} 同意《隐私政策》›
                </Text>
              )}
            </View>
          </View>
        )}
      </StateView>

      <View className="section">
        <View className="section-title">消息通知</View>
        <Notifications subs={subs} />
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

      <PrivacySheet />
    </Page>
  );
}
