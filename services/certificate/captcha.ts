import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { glyphShape, type Polygon } from '../pdf/glyph-outlines.js';

/**
 * A self-contained captcha for the public verification page: distorted characters drawn as SVG paths
 * (the answer is nowhere in the markup), and a stateless token binding the answer to an id and an expiry
 * with an HMAC. No session, no external service. The caller enforces single use by remembering the ids
 * it has accepted until they expire (services/certificate/shared-limits.ts does that in PostgreSQL).
 */

/** No I, L, O, 0, 1: nothing a person can confuse. */
export const CAPTCHA_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const VERSION = 'c1';

export interface CaptchaChallenge {
  /** goes back with the answer (hidden form field) */
  token: string;
  /** inline SVG, about 220×72 */
  svg: string;
  id: string;
  expiresAt: Date;
}

export interface CaptchaOptions {
  secret: string | Uint8Array;
  /** default 300 */
  ttlSeconds?: number;
  /** default 5 */
  length?: number;
  now?: Date;
  /** fixed answer (tests, audio alternatives); default random from {@link CAPTCHA_ALPHABET} */
  answer?: string;
}

export function normalizeCaptchaAnswer(answer: string): string {
  return answer.normalize('NFKC').toUpperCase().replace(/[\s-]+/g, '');
}

function mac(secret: string | Uint8Array, id: string, exp: number, answer: string): string {
  return createHmac('sha256', secret).update(`${VERSION}|${id}|${exp}|${answer}`).digest().subarray(0, 16).toString('base64url');
}

export function createCaptcha(opts: CaptchaOptions): CaptchaChallenge {
  const length = opts.length ?? 5;
  let answer = opts.answer === undefined ? '' : normalizeCaptchaAnswer(opts.answer);
  if (!answer) for (let i = 0; i < length; i++) answer += CAPTCHA_ALPHABET[randomInt(CAPTCHA_ALPHABET.length)];
  const id = randomBytes(12).toString('base64url');
  const exp = Math.floor((opts.now ?? new Date()).getTime() / 1000) + (opts.ttlSeconds ?? 300);
  return {
    token: `${VERSION}.${id}.${exp}.${mac(opts.secret, id, exp, answer)}`,
    svg: renderCaptchaSvg(answer),
    id,
    expiresAt: new Date(exp * 1000),
  };
}

export type CaptchaCheck =
  | { ok: true; id: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'expired' | 'wrong' };

/** Checks an answer against its token. Constant-time; an expired token fails even with the right answer. */
export function checkCaptcha(opts: { secret: string | Uint8Array; token: string; answer: string; now?: Date }): CaptchaCheck {
  const parts = (opts.token ?? '').split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, id = '', expText = '', given = ''] = parts;
  const exp = Number(expText);
  if (!/^[\w-]{16}$/.test(id) || !Number.isInteger(exp) || !/^[\w-]{22}$/.test(given)) return { ok: false, reason: 'malformed' };
  if (Math.floor((opts.now ?? new Date()).getTime() / 1000) > exp) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(mac(opts.secret, id, exp, normalizeCaptchaAnswer(opts.answer ?? '')));
  const ok = timingSafeEqual(expected, Buffer.from(given));
  return ok ? { ok: true, id, expiresAt: new Date(exp * 1000) } : { ok: false, reason: 'wrong' };
}

// ---- drawing ----

const W = 220;
const H = 72;
const INKS = ['#1d2b53', '#3b1f5c', '#0f3d3e', '#5a1e1e', '#1f3a68'];

function rnd(min: number, max: number): number {
  return min + (randomInt(0, 1_000_000) / 1_000_000) * (max - min);
}

function pathData(polys: Polygon[]): string {
  let d = '';
  for (const p of polys) {
    for (let i = 0; i < p.length; i += 2) d += `${i === 0 ? 'M' : 'L'}${(p[i] ?? 0).toFixed(1)} ${(p[i + 1] ?? 0).toFixed(1)}`;
    d += 'Z';
  }
  return d;
}

/** The characters as warped outlines with crossing strokes and speckles. */
export function renderCaptchaSvg(answer: string): string {
  const size = 40;
  const slot = (W - 24) / answer.length;
  const waveA = rnd(2.5, 5);
  const waveF = rnd(0.035, 0.06);
  const waveP = rnd(0, Math.PI * 2);
  const warp = (x: number, y: number): [number, number] => [x + 2.5 * Math.sin(y * 0.09 + waveP), y + waveA * Math.sin(x * waveF + waveP)];

  const glyphs: string[] = [];
  [...answer].forEach((ch, i) => {
    const g = glyphShape(ch, size, 'bold', 5);
    const angle = rnd(-0.45, 0.45);
    const sx = rnd(0.85, 1.15);
    const skew = rnd(-0.3, 0.3);
    const cx = 12 + slot * i + slot / 2 + rnd(-3, 3);
    const baseline = H / 2 + size * 0.36 + rnd(-6, 6);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const polys = g.polygons.map((poly) => {
      const out: Polygon = [];
      for (let k = 0; k < poly.length; k += 2) {
        const lx = ((poly[k] ?? 0) - g.advance / 2) * sx + skew * (poly[k + 1] ?? 0);
        const ly = (poly[k + 1] ?? 0) + size * 0.36;
        const [x, y] = warp(cx + lx * cos - ly * sin, baseline - size * 0.36 + lx * sin + ly * cos);
        out.push(x, y);
      }
      return out;
    });
    glyphs.push(`<path d="${pathData(polys)}" fill="${INKS[randomInt(INKS.length)]}"/>`);
  });

  const noise: string[] = [];
  for (let i = 0; i < 3; i++) {
    const y0 = rnd(10, H - 10);
    const y1 = rnd(10, H - 10);
    noise.push(
      `<path d="M${rnd(-5, 20).toFixed(1)} ${y0.toFixed(1)}C${rnd(40, 90).toFixed(1)} ${rnd(-20, H + 20).toFixed(1)} ${rnd(120, 180).toFixed(1)} ${rnd(-20, H + 20).toFixed(1)} ${rnd(200, 225).toFixed(1)} ${y1.toFixed(1)}" fill="none" stroke="${INKS[randomInt(INKS.length)]}" stroke-width="${rnd(1.2, 2.2).toFixed(1)}"/>`,
    );
  }
  for (let i = 0; i < 45; i++) {
    noise.push(`<circle cx="${rnd(0, W).toFixed(1)}" cy="${rnd(0, H).toFixed(1)}" r="${rnd(0.6, 1.8).toFixed(1)}" fill="${INKS[randomInt(INKS.length)]}" fill-opacity="${rnd(0.3, 0.8).toFixed(2)}"/>`);
  }
  const bg: string[] = [];
  for (let i = 0; i < 6; i++) {
    bg.push(`<line x1="${rnd(0, W).toFixed(0)}" y1="0" x2="${rnd(0, W).toFixed(0)}" y2="${H}" stroke="#c9d1e3" stroke-width="1"/>`);
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Image of the characters to type">` +
    `<rect width="${W}" height="${H}" fill="#f3f5fa"/>${bg.join('')}${glyphs.join('')}${noise.join('')}</svg>`
  );
}
