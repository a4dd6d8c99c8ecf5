import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';

/** The public side of settings: the brand every client dresses in (no login; cached by clients, see http/cache.ts). */
export function settingsRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.getBrand, async () => c.settings.get('brand'));
}
