import type { ResponseFor } from '@huiyuan/shared';
import { api } from './client';

/** Paid membership: plans on sale, my membership, starting a payment and polling it. */
export type MembershipPlan = ResponseFor<'listMembershipPlans'>['items'][number];
export type MyMembership = ResponseFor<'getMyMembership'>;

export const listPlans = () => api.get<ResponseFor<'listMembershipPlans'>>('/api/membership/plans');
export const getMyMembership = () => api.get<MyMembership>('/api/me/membership');

/**
 * Starts paying for a plan. Named per plan, so a retry after a lost answer gets the
 * same WeChat Pay order instead of a second one; the key is forgotten once answered.
 */
export const purchasePlan = (planCode: string) =>
  api.post<ResponseFor<'purchaseMembership'>>(
    '/api/membership/purchase',
    { planCode },
    {
      operation: `membership:${planCode}`,
    },
  );

/** The payment's state; the server asks WeChat Pay while it is unpaid. */
export const membershipOrder = (outTradeNo: string) =>
  api.get<ResponseFor<'membershipOrderStatus'>>(`/api/membership/orders/${encodeURIComponent(outTradeNo)}`);
