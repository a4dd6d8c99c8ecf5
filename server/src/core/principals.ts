import type { StaffRole } from '@huiyuan/shared';
import { AppError } from './errors';

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

/** The clerk's store; STORE_REQUIRED for a staff account without one (an operator acting at a till). */
export function requireStore(staff: StaffPrincipal): number {
  if (staff.storeId === null) throw new AppError('STORE_REQUIRED');
  return staff.storeId;
}
