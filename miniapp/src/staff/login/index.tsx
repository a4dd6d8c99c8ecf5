import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { staffLogin, staffLogout } from '../../api/auth';
import { staffSession } from '../../api/session';
import { toastError } from '../../utils/feedback';
import { ROUTES } from '../../utils/routes';
import { SESSION_EXPIRED } from '../guard';

const STAFF_PAGES: string[] = [ROUTES.staffCheckout, ROUTES.staffVoucher, ROUTES.staffRefund, ROUTES.staffShift];

/** Staff sign in with username and password; the token is kept apart from the member's. */
export default function StaffLoginPage() {
  const { params } = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [session, setSession] = useState(staffSession);
  // Only our own staff pages are valid targets: `next` comes from a URL.
  const next = STAFF_PAGES.includes(decodeURIComponent(params.next ?? ''))
    ? decodeURIComponent(params.next!)
    : ROUTES.staffCheckout;

  const submit = async () => {
    if (!username.trim() || !password) return;
    setBusy(true);
    try {
      await staffLogin({ username: username.trim(), password });
      void Taro.redirectTo({ url: next });
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
      setPassword('');
    }
  };

  if (session) {
    return (
      <View className="page">
        <View className="section">
          <View className="section-title">{session.displayName}</View>
          <Text className="muted">已登录店员账号</Text>
        </View>
        <Button className="btn-primary" onClick={() => void Taro.redirectTo({ url: ROUTES.staffCheckout })}>
          积分收银
        </Button>
        <Button style={{ marginTop: '12px' }} onClick={() => void Taro.redirectTo({ url: ROUTES.staffVoucher })}>
          核销券
        </Button>
        <Button style={{ marginTop: '12px' }} onClick={() => void Taro.redirectTo({ url: ROUTES.staffRefund })}>
          退款
        </Button>
        <Button style={{ marginTop: '12px' }} onClick={() => void Taro.redirectTo({ url: ROUTES.staffShift })}>
          交班汇总
        </Button>
        <Button
          style={{ marginTop: '12px' }}
          onClick={() => {
            staffLogout();
            setSession(null);
          }}
        >
          退出店员账号
        </Button>
      </View>
    );
  }

  return (
    <View className="page">
      <View className="section">
        <View className="section-title">店员登录</View>
        {params.expired === '1' && (
          <Text className="muted" style={{ color: '#d4380d' }} data-testid="staff-expired">
            {SESSION_EXPIRED}
          </Text>
        )}
        <Input
          className="input"
          placeholder="账号"
          value={username}
          onInput={(e) => setUsername(e.detail.value)}
          data-testid="staff-username"
        />
        <Input
          className="input"
          password
          placeholder="密码"
          value={password}
          onInput={(e) => setPassword(e.detail.value)}
          onConfirm={() => void submit()}
          data-testid="staff-password"
        />
        <Button
          className="btn-primary"
          loading={busy}
          disabled={busy || !username.trim() || !password}
          onClick={() => void submit()}
        >
          登录
        </Button>
      </View>
    </View>
  );
}
