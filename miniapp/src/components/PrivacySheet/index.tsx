import { useEffect, useState } from 'react';
import { Button, ScrollView, Text, View } from '@tarojs/components';
import { getPrivacyPolicy } from '../../api/me';
import { useAsync } from '../../hooks/useAsync';
import { AGREE_BUTTON_ID, agree, disagree, isConsentOpen, registerSheet } from '../../privacy/consent';
import { toastError } from '../../utils/feedback';
import { formatDate } from '../../utils/format';
import { ROUTES, go } from '../../utils/routes';
import StateView from '../StateView';
import './index.scss';

/** Whether the app-wide privacy sheet is open, for the page this hook runs on. */
export function usePrivacySheetOpen(): boolean {
  const [open, setOpen] = useState(isConsentOpen);
  useEffect(() => registerSheet(setOpen), []);
  return open;
}

export interface PrivacySheetProps {
  /** 'overlay' (default) shows over the page while asked; 'page' always shows, in the page's flow. */
  mode?: 'overlay' | 'page';
  /** Show 拒绝 / 同意; default true (the full-text page hides them unless asked). */
  actions?: boolean;
  /** Called after 同意 was recorded or 拒绝 tapped. */
  onDone?: (agreed: boolean) => void;
}

/**
 * The policy as the server serves it (its version is the one accepted) with
 * 拒绝 and 同意. In WeChat 同意 is an agreePrivacyAuthorization button, the tap
 * WeChat requires before a waiting privacy API may go on.
 */
export default function PrivacySheet({ mode = 'overlay', actions = true, onDone }: PrivacySheetProps) {
  const open = usePrivacySheetOpen();
  const shown = mode === 'page' || open;
  const policy = useAsync(getPrivacyPolicy, [shown], { skip: !shown });
  const [busy, setBusy] = useState(false);
  if (!shown) return null;

  const onAgree = async () => {
    if (!policy.data || busy) return;
    setBusy(true);
    try {
      await agree(policy.data.version);
      onDone?.(true);
    } catch (e) {
      // POLICY_OUTDATED: a newer version went live while the sheet was open; show it.
      toastError(e);
      void policy.reload();
    } finally {
      setBusy(false);
    }
  };
  const onDisagree = () => {
    disagree();
    onDone?.(false);
  };

  const weapp = process.env.TARO_ENV === 'weapp';
  const p = policy.data;
  return (
    <View className={`privacy-sheet privacy-sheet--${mode}`} data-testid="privacy-sheet">
      <View className="privacy-sheet__panel" catchMove>
        <StateView loading={policy.loading} error={p ? undefined : policy.error} onRetry={policy.reload}>
          {p && (
            <>
              <Text className="privacy-sheet__title">{p.title}</Text>
              <Text className="muted">
                版本 {p.version} · {formatDate(p.updatedAt)} 更新
              </Text>
              <ScrollView scrollY className="privacy-sheet__text">
                <Text userSelect>{p.text}</Text>
              </ScrollView>
              {mode === 'overlay' && (
                <Text className="privacy-sheet__link" onClick={() => go(ROUTES.privacy)}>
                  在新页面阅读完整《{p.title}》
                </Text>
              )}
            </>
          )}
        </StateView>
        {actions && (
          <>
            <Text className="muted privacy-sheet__note">同意后，我们才会保存你填写的昵称、生日和手机号。</Text>
            <View className="privacy-sheet__actions">
              <Button className="privacy-sheet__button" onClick={onDisagree} data-testid="privacy-disagree">
                拒绝
              </Button>
              <Button
                id={AGREE_BUTTON_ID}
                className="btn-primary privacy-sheet__button"
                // undefined, not false: the browser build renders disabled="false" as disabled.
                disabled={!p || busy || undefined}
                loading={busy || undefined}
                data-testid="privacy-agree"
                {...(weapp
                  ? { openType: 'agreePrivacyAuthorization', onAgreePrivacyAuthorization: () => void onAgree() }
                  : { onClick: () => void onAgree() })}
              >
                同意
              </Button>
            </View>
          </>
        )}
      </View>
    </View>
  );
}
