import { DEFAULT_PRIVACY_POLICY_DATE, type PrivacyPolicyView } from '@huiyuan/shared';
import type { Settings } from '../settings/settings';

/**
 * The privacy policy members read and accept: the operator's `privacy` setting
 * (version, title, text), dated by when the operator last changed it.
 */
export async function policyView(settings: Settings): Promise<PrivacyPolicyView> {
  const [policy, changedAt] = await Promise.all([settings.get('privacy'), settings.changedAt('privacy')]);
  return {
    version: policy.version,
    title: policy.title,
    text: policy.text,
    updatedAt: changedAt === null ? DEFAULT_PRIVACY_POLICY_DATE : new Date(changedAt).toISOString(),
  };
}
