import type { Services } from '../modules/services';
import type { Tokens } from './tokens';
import type { Auth } from './auth';

/** What route files see: the services plus the web edge's own pieces (tokens, auth, readiness). */
export interface AppContext extends Services {
  tokens: Tokens;
  auth: Auth;
  isReady: () => boolean;
}
