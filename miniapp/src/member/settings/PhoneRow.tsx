import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import type { MeResponse } from '@huiyuan/shared';
import { bindPhone } from '../../api/me';
import { ApiError } from '../../api/errors';
import { toastError, toastOk } from '../../utils/feedback';

export interface PhoneRowProps {
  me: MeResponse;
  saving: boolean;
  /** Runs `send` behind the privacy consent gate (see privacy/consent.ts). */
  withConsent: <T>(send: () => Promise<T>) => Promise<{ sent: true; value: T } | { sent: false }>;
  /** Saves a typed number through PATCH /api/me; resolves true when saved. */
  saveTyped: (phone: string) => Promise<boolean>;
  onBound: (patch: Pick<MeResponse, 'phoneMasked' | 'phoneVerified'>) => void;
}

/** What getPhoneNumber answered without a code: the member refused, or WeChat could not give one. */
export function phoneRefusalText(errMsg: string | undefined): string {
  return /deny|cancel/i.test(errMsg ?? '') ? '未授权手机号，可稍后再绑定' : '暂时无法获取手机号，请稍后再试';
}

/**
 * The phone number. In WeChat it comes from getPhoneNumber (the server
 * exchanges the one-time code with WeChat and marks it verified); typing one is
 * offered only when the operator allows it, and such a number stays unverified.
 * The browser has no getPhoneNumber.
 */
export default function PhoneRow({ me, saving, withConsent, saveTyped, onBound }: PhoneRowProps) {
  const [typed, setTyped] = useState('');
  const [binding, setBinding] = useState(false);
  const weapp = process.env.TARO_ENV === 'weapp';

  const onGetPhoneNumber = async (detail: { code?: string; errMsg?: string }) => {
    if (!detail.code) {
      void Taro.showToast({ title: phoneRefusalText(detail.errMsg), icon: 'none' });
      return;
    }
    const code = detail.code;
    setBinding(true);
    try {
      const r = await withConsent(() => bindPhone(code));
      if (r.sent) {
        onBound(r.value);
        toastOk('手机号已验证');
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PHONE_CODE_INVALID') {
        // The code is single-use and short-lived: only a new tap gets another.
        void Taro.showModal({
          title: '验证未完成',
          content: '手机号验证已失效，请再点一次“微信绑定手机号”',
          showCancel: false,
        });
      } else toastError(e);
    } finally {
      setBinding(false);
    }
  };

  return (
    <View className="profile__phone" data-testid="profile-phone">
      <View className="profile__row">
        <Text className="profile__label">手机</Text>
        {me.phoneMasked ? (
          <Text data-testid="phone-current">
            {me.phoneMasked}
            {me.phoneVerified ? (
              <Text className="profile__badge is-verified">已验证</Text>
            ) : (
              <Text className="profile__badge">未验证</Text>
            )}
          </Text>
        ) : (
          <Text className="muted">未绑定</Text>
        )}
        {weapp && (
          <Button
            size="mini"
            className="btn-primary"
            openType="getPhoneNumber"
            disabled={saving || binding || undefined}
            loading={binding || undefined}
            onGetPhoneNumber={(e) => void onGetPhoneNumber(e.detail)}
            data-testid="phone-wechat"
          >
            {me.phoneVerified ? '更换' : '微信绑定手机号'}
          </Button>
        )}
      </View>
      {me.phoneTypingAllowed ? (
        <View className="profile__row">
          <Text className="profile__label" />
          <Input
            className="input profile__input"
            type="number"
            maxlength={11}
            placeholder="手动填写（未验证）"
            value={typed}
            onInput={(e) => setTyped(e.detail.value)}
            data-testid="phone-typed"
          />
          <Button
            size="mini"
            disabled={saving || !/^1[3-9][0-9]{9}$/.test(typed) || undefined}
            onClick={() => void saveTyped(typed).then((ok) => ok && setTyped(''))}
          >
            保存
          </Button>
        </View>
      ) : (
        !weapp && (
          <Text className="muted profile__note" data-testid="phone-note">
            {me.phoneMasked ? '更换手机号请在微信小程序中操作' : '请在微信小程序中绑定手机号（由微信验证）'}
          </Text>
        )
      )}
      {me.phoneTypingAllowed && (
        <Text className="muted profile__note">手动填写的号码标记为“未验证”，部分权益需要微信验证的手机号。</Text>
      )}
    </View>
  );
}
