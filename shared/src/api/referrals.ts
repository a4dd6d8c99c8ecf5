import { z } from 'zod';
import { endpoint } from './endpoint';
import { IsoDateTime } from './common';

export const ReferralsView = z.object({
  code: z.string().describe('My invite code'),
  sharePath: z.string().describe('Mini-program path to share (useShareAppMessage)'),
  rules: z.object({
    inviterPoints: z.int(),
    inviteePoints: z.int(),
    trigger: z.enum(['registration', 'first_purchase']),
    refundWindowDays: z.int(),
  }),
  successful: z.int().describe('Invites that earned their reward'),
  milestone: z.object({ every: z.int(), bonus: z.int(), nextAt: z.int().nullable(), remaining: z.int().nullable() }),
  invitees: z.array(
    z.object({
      maskedName: z.string(),
      status: z.enum(['registered', 'purchased', 'rewarded', 'capped']),
      registeredAt: IsoDateTime,
    }),
  ),
  invitedBy: z.object({ maskedName: z.string() }).nullable(),
});

export const PosterCode = z.object({
  scene: z.string().max(32).describe('r=<invite code>: the launch scene the code opens with'),
  page: z.string(),
  contentType: z.literal('image/png'),
  base64: z.string().describe('The mini-program code image (PNG), base64'),
});
export type PosterCode = z.infer<typeof PosterCode>;

export const referralEndpoints = {
  getReferrals: endpoint({
    method: 'get',
    path: '/api/me/referrals',
    tag: 'referrals',
    auth: 'member',
    summary: 'My invite code and share path, my invitees with status, progress to the next milestone',
    response: ReferralsView,
  }),
  getPosterCode: endpoint({
    method: 'get',
    path: '/api/me/referrals/poster-code',
    tag: 'referrals',
    auth: 'member',
    summary: 'My mini-program code for the invite poster (scene r=<code>); made once through WeChat, then kept',
    response: PosterCode,
    errors: ['WECHAT_UNAVAILABLE', 'WECHAT_QUOTA_EXCEEDED', 'WECHAT_REJECTED'],
  }),
};
