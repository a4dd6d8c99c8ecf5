import { endpoints } from '@huiyuan/shared';
import type { Routes } from '../../http/route';
import type { AppContext } from '../../http/context';
import { SETTINGS, type SettingKey } from '../settings/settings';
import { audit } from '../audit/audit';

/** Operators read and change settings; every change is validated by its schema and audited with before and after. */
export function adminSettingsRoutes(r: Routes, c: AppContext): void {
  r.add(endpoints.adminListSettings, async () => {
    const keys = await c.settings.storedKeys();
    const items = [];
    for (const key of Object.keys(SETTINGS) as SettingKey[])
      items.push({ key, value: await c.settings.get(key), isDefault: !keys.has(key) });
    return { items };
  });

  r.add(endpoints.adminPutSetting, async (ctx, { body }) => {
    const key = body.key as SettingKey;
    const now = c.clock.now();
    return c.db.tx(async (q) => {
      const previous = await c.settings.set(q, key, body.value as never, now);
      await audit(
        q,
        {
          actorType: 'operator',
          actorId: ctx.state.staff.id,
          action: 'settings.update',
          targetType: 'setting',
          targetId: key,
          before: previous,
          after: body.value,
          requestId: ctx.state.requestId,
        },
        now,
      );
      return { key, value: body.value, previous };
    });
  });
}
