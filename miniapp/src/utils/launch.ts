/**
 * Where a launch came from. A shared card or page carries `?ref=<code>`; a
 * mini-program code (the invite poster) carries one URL-encoded `scene`, made
 * by the server as `r=<code>` to fit WeChat's 32 characters. Codes printed
 * before that carry `ref=<code>`, so both keys are read.
 */

const SCENE_KEYS = ['r', 'ref'];

/** The referral code inside a mini-program code's scene, or undefined. */
export function refFromScene(scene: unknown): string | undefined {
  if (typeof scene !== 'string' || !scene) return undefined;
  let text = scene;
  try {
    text = decodeURIComponent(scene);
  } catch {
    // A malformed escape: read the scene as it came.
  }
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (SCENE_KEYS.includes(key) && value) return value;
  }
  return undefined;
}

/** The referral code of a launch or show: an explicit `ref` first, then the scene. */
export function refFromLaunch(options: unknown): string | undefined {
  const query = ((options as { query?: unknown } | null | undefined)?.query ?? {}) as Record<string, unknown>;
  if (typeof query.ref === 'string' && query.ref) return query.ref;
  return refFromScene(query.scene);
}
