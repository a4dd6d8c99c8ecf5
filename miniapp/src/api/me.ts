import type { MeResponse, PatchMeRequest } from '@huiyuan/shared';
import { api } from './client';

export const getMe = () => api.get<MeResponse>('/api/me');

/** Birthday is accepted once (BIRTHDAY_ALREADY_SET afterwards); unknown fields are refused by the server. */
export const patchMe = (body: PatchMeRequest) => api.patch<MeResponse>('/api/me', body);

/** The privacy policy version the UI shows; bump it with the policy text. */
export const PRIVACY_POLICY_VERSION = '2024-11';
