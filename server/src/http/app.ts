import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { AppContext } from './context';
import { errorAndLog, wellFormedText } from './middleware';
import { Routes } from './route';
import { healthRoutes } from '../modules/health/routes';
import { memberRoutes } from '../modules/members/routes';
import { pointsRoutes } from '../modules/points/routes';
import { staffRoutes } from '../modules/staff/routes';
import { tierRoutes } from '../modules/tiers/routes';
import { cardRoutes } from '../modules/card/routes';
import { checkoutRoutes } from '../modules/checkout/routes';
import { adminSettingsRoutes } from '../modules/admin/settings-routes';
import { adminStaffRoutes } from '../modules/admin/staff-routes';
import { adminMemberRoutes } from '../modules/admin/members-routes';
import { adminConsoleRoutes } from '../modules/admin/console-routes';
import { insightRoutes } from '../modules/insights/routes';
import { checkinRoutes } from '../modules/checkin/routes';
import { benefitRoutes } from '../modules/benefits/routes';
import { referralRoutes } from '../modules/referrals/routes';
import { notificationRoutes } from '../modules/notifications/routes';
import { jobRoutes } from '../jobs/routes';
import { taskRoutes } from '../modules/tasks/routes';
import { confirmationRoutes } from '../modules/confirmations/routes';
import { privacyRoutes } from '../modules/privacy/routes';
import { giftRoutes } from '../modules/gifts/routes';
import { paymentRoutes } from '../modules/payments/routes';
import { membershipRoutes } from '../modules/membership/routes';
import { serveStatic } from './static';
import { serveImages } from './images';
import { cacheable } from './cache';
import { settingsRoutes } from '../modules/settings/routes';
import { mediaRoutes } from '../modules/media/routes';
import { endpoints } from '@huiyuan/shared';
import type { BaseState } from './state';

/** The HTTP app: error handling first, then body parsing, then routes from the endpoint table. */
export function createApp(c: AppContext): Koa<BaseState> {
  // Behind TRUST_PROXY load balancers, ctx.ip is the client from X-Forwarded-For
  // (the right-most N hops, which those proxies wrote); otherwise the socket peer.
  // Trusting the header without a proxy in front would let any client pick its address.
  const hops = c.config.trustProxy;
  const app = new Koa<BaseState>({ proxy: hops > 0, maxIpsCount: hops });
  app.silent = true; // errors are logged once, by errorAndLog
  app.use(errorAndLog(c.logger, c.metrics));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: c.config.bodyLimit, encoding: 'utf-8', jsonStrict: true }));
  app.use(wellFormedText());
  app.use(async (ctx, next) => {
    // A body sent as anything but JSON is refused rather than silently ignored.
    const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
    // Image uploads read their own body (the image's bytes or a form) and check its type.
    const raw = ctx.path === endpoints.adminUploadImage.path;
    if (hasBody && ['POST', 'PUT', 'PATCH'].includes(ctx.method) && !ctx.is('application/json') && !raw) {
      ctx.throw(415);
    }
    await next();
  });
  app.use(cacheable([endpoints.getBrand.path], 60));
  const router = new Router<BaseState>();
  const routes = new Routes(router, c.auth, c.config.env !== 'production');
  healthRoutes(routes, c);
  memberRoutes(routes, c);
  staffRoutes(routes, c);
  pointsRoutes(routes, c);
  tierRoutes(routes, c);
  cardRoutes(routes, c);
  checkoutRoutes(routes, c);
  adminSettingsRoutes(routes, c);
  adminStaffRoutes(routes, c);
  adminMemberRoutes(routes, c);
  adminConsoleRoutes(routes, c);
  insightRoutes(routes, c);
  checkinRoutes(routes, c);
  benefitRoutes(routes, c);
  referralRoutes(routes, c);
  notificationRoutes(routes, c);
  jobRoutes(routes, c);
  taskRoutes(routes, c);
  confirmationRoutes(routes, c);
  privacyRoutes(routes, c);
  giftRoutes(routes, c);
  paymentRoutes(routes, c);
  membershipRoutes(routes, c);
  settingsRoutes(routes, c);
  mediaRoutes(routes, c);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(serveImages(c.media));
  if (c.config.consoleDir) app.use(serveStatic(c.config.consoleDir, '/admin'));
  if (c.config.staticDir) app.use(serveStatic(c.config.staticDir));
  return app;
}
