/**
 * The brand's colours as CSS custom properties. Set on each page's root (the
 * mini-program has no document root to style), so every token in tokens.scss
 * that reads var(--hy-*) follows the operator's brand settings at runtime.
 */
export interface BrandColors {
  primaryColor: string;
  accentColor: string;
}

/** The server's defaults (shared/src/api/brand.ts), repeated here so the bundle does not pull zod in. */
export const DEFAULT_BRAND = {
  name: '会员',
  logoUrl: null as string | null,
  cardBackgroundUrl: null as string | null,
  primaryColor: '#1f1f2e',
  accentColor: '#c8a063',
};

const HEX = /^#[0-9a-fA-F]{6}$/;

/** "#c8a063" + alpha -> "rgba(200, 160, 99, a)"; a bad colour falls back to the default accent. */
export function withAlpha(hex: string, alpha: number): string {
  const h = HEX.test(hex) ? hex : DEFAULT_BRAND.accentColor;
  const n = parseInt(h.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** The style text for a page root; a malformed colour from the server never reaches CSS. */
export function brandStyle(b: BrandColors): string {
  const primary = HEX.test(b.primaryColor) ? b.primaryColor : DEFAULT_BRAND.primaryColor;
  const accent = HEX.test(b.accentColor) ? b.accentColor : DEFAULT_BRAND.accentColor;
  return `--hy-primary:${primary};--hy-accent:${accent};--hy-accent-soft:${withAlpha(accent, 0.14)}`;
}
