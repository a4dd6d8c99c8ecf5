import type { BodyFor, MeResponse, PatchMeRequest, ResponseFor } from '@huiyuan/shared';
import { api } from './client';

export const getMe = () => api.get<MeResponse>('/api/me');

/**
 * Birthday is accepted once (BIRTHDAY_ALREADY_SET afterwards); unknown fields are refused by the server.
 * Personal fields need the current privacy consent, which may ride in the same patch.
 */
export const patchMe = (body: PatchMeRequest) => api.patch<MeResponse>('/api/me', body);

/** The policy the member is asked to accept; its version is the server's, never the app's. */
export const getPrivacyPolicy = () =>
  api.get<ResponseFor<'getPrivacyPolicy'>>('/api/privacy/policy', undefined, { auth: 'none' });

/** Accepting the same version twice keeps the first time; an old version is POLICY_OUTDATED. */
export const acceptPrivacyPolicy = (version: string) =>
  api.post<ResponseFor<'acceptPrivacyPolicy'>>('/api/me/consent', {
    version,
  } satisfies BodyFor<'acceptPrivacyPolicy'>);

/** Binds the number behind a getPhoneNumber code; the code is single-use, so a retry needs a new tap. */
export const bindPhone = (code: string) =>
  api.post<ResponseFor<'bindPhone'>>('/api/me/phone', { code } satisfies BodyFor<'bindPhone'>, { retries: 0 });
