import { z } from 'zod';
import { IsoDateTime, Id } from './common';

export const LoginRequest = z.strictObject({
  code: z.string().min(1).max(128).describe('The code from wx.login / Taro.login'),
  ref: z.string().max(32).optional().describe('Referral code from the launch query, kept for registration'),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.object({
  token: z.string().describe('Bearer token for /api/me*'),
  expiresAt: IsoDateTime,
  memberId: Id,
  isNew: z.boolean().describe('True when this login registered the member'),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const RefreshResponse = LoginResponse.omit({ isNew: true });
export type RefreshResponse = z.infer<typeof RefreshResponse>;

export const StaffRole = z.enum(['staff', 'manager', 'operator']);
export type StaffRole = z.infer<typeof StaffRole>;

export const StaffLoginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(128),
});
export type StaffLoginRequest = z.infer<typeof StaffLoginRequest>;

export const StaffLoginResponse = z.object({
  token: z.string(),
  expiresAt: IsoDateTime,
  staffId: Id,
  role: StaffRole,
  storeId: Id.nullable().describe('The store this staff token acts for; null for brand operators'),
  displayName: z.string(),
});
export type StaffLoginResponse = z.infer<typeof StaffLoginResponse>;
