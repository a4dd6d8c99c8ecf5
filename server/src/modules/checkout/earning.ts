import type { PurchaseRules } from '@huiyuan/shared';
import type { Settings } from '../settings/settings';
import type { TierService } from '../tiers/service';

/**
 * The rules a purchase earns by (earning, member days, tiers), as configured; the
 * operator's simulation passes a draft of any of them to try it before saving.
 * With `earningForPurchase` from shared this is the one place purchase points
 * are decided, for the counter and for the simulation alike.
 */
export async function purchaseRules(
  settings: Settings,
  tiers: TierService,
  draft: Partial<PurchaseRules> = {},
): Promise<PurchaseRules> {
  return {
    earning: draft.earning ?? (await settings.get('points.earning')),
    memberDays: draft.memberDays ?? (await settings.get('checkout.memberDays')),
    tiers: draft.tiers ?? (await tiers.rules()),
  };
}
