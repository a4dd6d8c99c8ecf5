/**
 * The invite poster's drawing: brand colours, who invites, the reward, the
 * mini-program code and the invite code. Pure over a 2D context, so the same
 * code draws on WeChat's canvas (type 2d) and the browser's, and a test can
 * record what was drawn.
 */

export const POSTER = { width: 750, height: 1200 } as const;

const BRAND = { ink: '#1f1f2e', ink2: '#34344a', gold: '#c8a063', goldLight: '#f3e3c3', paper: '#ffffff' };
const FONT = "'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";

/** The part of CanvasRenderingContext2D the poster uses (WeChat's 2d context has the same). */
export interface PosterContext {
  fillStyle: unknown;
  font: string;
  textAlign: string;
  textBaseline: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  drawImage(image: unknown, x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  arcTo(x1: number, y1: number, x2: number, y2: number, r: number): void;
  closePath(): void;
  fill(): void;
  createLinearGradient(x0: number, y0: number, x1: number, y1: number): { addColorStop(o: number, c: string): void };
}

export interface PosterContent {
  nickname: string | null;
  /** e.g. 扫码入会，即得 50 积分 */
  rewardText: string;
  code: string;
}

function roundRect(ctx: PosterContext, x: number, y: number, w: number, h: number, r: number) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
  ctx.fill();
}

/** Splits text into lines no wider than `max` (by measured width, character by character for CJK). */
export function wrapText(ctx: Pick<PosterContext, 'measureText'>, text: string, max: number, maxLines = 2): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of [...text]) {
    if (line && ctx.measureText(line + ch).width > max) {
      lines.push(line);
      line = '';
      if (lines.length === maxLines) break;
    }
    line += ch;
  }
  if (line && lines.length < maxLines) lines.push(line);
  else if (lines.length === maxLines && [...lines.join('')].length < [...text].length) {
    lines[maxLines - 1] = `${[...lines[maxLines - 1]].slice(0, -1).join('')}…`;
  }
  return lines;
}

/** A nickname is the member's own text: at most 12 characters on the poster. */
export const posterName = (nickname: string | null) => {
  const n = (nickname ?? '').trim();
  if (!n) return '你的好友';
  return [...n].length > 12 ? `${[...n].slice(0, 11).join('')}…` : n;
};

export function drawPoster(ctx: PosterContext, codeImage: unknown, c: PosterContent): void {
  const { width: W, height: H } = POSTER;
  const bg = ctx.createLinearGradient(0, 0, 0, H);
  bg.addColorStop(0, BRAND.ink);
  bg.addColorStop(1, BRAND.ink2);
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, W, H);

  // A gold band under the heading, like the membership card's edge.
  ctx.fillStyle = BRAND.gold;
  ctx.fillRect(0, 0, W, 12);

  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = BRAND.goldLight;
  ctx.font = `500 34px ${FONT}`;
  ctx.fillText(`${posterName(c.nickname)} 邀请你入会`, W / 2, 110);
  ctx.fillStyle = BRAND.paper;
  ctx.font = `600 60px ${FONT}`;
  ctx.fillText('送你一张会员卡', W / 2, 190);

  ctx.fillStyle = BRAND.gold;
  ctx.font = `500 32px ${FONT}`;
  wrapText(ctx, c.rewardText, W - 140).forEach((line, i) => ctx.fillText(line, W / 2, 270 + i * 46));

  // The code on a white card so it scans on any background.
  const card = { x: 135, y: 380, w: 480, h: 560 };
  ctx.fillStyle = BRAND.paper;
  roundRect(ctx, card.x, card.y, card.w, card.h, 28);
  ctx.drawImage(codeImage, card.x + 60, card.y + 50, 360, 360);
  ctx.fillStyle = BRAND.ink;
  ctx.font = `500 30px ${FONT}`;
  ctx.fillText('长按识别小程序码 立即入会', W / 2, card.y + 460);
  ctx.fillStyle = '#8a8a99';
  ctx.font = `400 26px ${FONT}`;
  ctx.fillText(`邀请码 ${c.code}`, W / 2, card.y + 510);

  ctx.fillStyle = BRAND.goldLight;
  ctx.font = `400 24px ${FONT}`;
  ctx.fillText('会员积分 · 等级礼遇 · 生日惊喜', W / 2, H - 150);
  ctx.fillStyle = BRAND.gold;
  ctx.fillRect(W / 2 - 40, H - 100, 80, 4);
}

/** The reward line, addressed to the friend who sees the poster (from GET /api/me/referrals' rules). */
export function rewardText(rules: { inviteePoints: number; trigger: string }): string {
  if (rules.inviteePoints <= 0) return '扫码入会，享会员专属礼遇';
  return rules.trigger === 'first_purchase'
    ? `入会并首次消费，即得 ${rules.inviteePoints} 积分`
    : `扫码入会，即得 ${rules.inviteePoints} 积分`;
}
