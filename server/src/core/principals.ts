import type { StaffRole } from '@huiyuan/shared';

/** Who is calling, as established by the HTTP layer's auth and handed to services. */
export interface MemberPrincipal {
  id: number;
}

/** Role and store come from the staff row at each call, never from the token. */
export interface StaffPrincipal {
  id: number;
  role: StaffRole;
  storeId: number | null;
}
