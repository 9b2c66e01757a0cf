import { describe, expect, it } from 'vitest';
import {
  CAPTCHA_ALPHABET,
  checkCaptcha,
  createCaptcha,
  normalizeCaptchaAnswer,
} from '../../../services/certificate/captcha.js';

const secret = 'unit-test-secret';
const now = new Date('2026-06-02T10:00:00Z');

describe('captcha', () => {
  it('accepts the right answer, in any case and with stray spaces', () => {
    const c = createCaptcha({ secret, answer: 'K7P2X', now });
    expect(checkCaptcha({ secret, token: c.token, answer: 'K7P2X', now })).toEqual({ ok: true, id: c.id, expiresAt: c.expiresAt });
    expect(checkCaptcha({ secret, token: c.token, answer: ' k7p 2x ', now }).ok).toBe(true);
  });

  it('refuses a wrong answer, another secret, and an altered token', () => {
    const c = createCaptcha({ secret, answer: 'K7P2X', now });
    expect(checkCaptcha({ secret, token: c.token, answer: 'K7P2Y', now })).toEqual({ ok: false, reason: 'wrong' });
    expect(checkCaptcha({ secret: 'other', token: c.token, answer: 'K7P2X', now })).toEqual({ ok: false, reason: 'wrong' });
    // moving the expiry forward breaks the MAC
    const [v, id, exp, mac] = c.token.split('.');
    const later = `${v}.${id}.${Number(exp) + 3600}.${mac}`;
    expect(checkCaptcha({ secret, token: later, answer: 'K7P2X', now })).toEqual({ ok: false, reason: 'wrong' });
    expect(checkCaptcha({ secret, token: 'garbage', answer: 'K7P2X', now })).toEqual({ ok: false, reason: 'malformed' });
    expect(checkCaptcha({ secret, token: '', answer: '', now })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('expires', () => {
    const c = createCaptcha({ secret, answer: 'K7P2X', now, ttlSeconds: 120 });
    expect(checkCaptcha({ secret, token: c.token, answer: 'K7P2X', now: new Date(now.getTime() + 119_000) }).ok).toBe(true);
    expect(checkCaptcha({ secret, token: c.token, answer: 'K7P2X', now: new Date(now.getTime() + 121_000) })).toEqual({ ok: false, reason: 'expired' });
  });

  it('draws the characters as paths: the answer is nowhere in the SVG', () => {
    for (let i = 0; i < 20; i++) {
      const c = createCaptcha({ secret, answer: 'HMW7E', now });
      expect(c.svg.startsWith('<svg')).toBe(true);
      expect(c.svg).not.toMatch(/<text/);
      expect(c.svg).not.toContain('HMW7E');
      expect(c.svg).not.toContain(c.token);
      expect(c.svg.match(/<path d="M/g)?.length).toBeGreaterThanOrEqual(5);
    }
  });

  it('draws different images for the same answer', () => {
    const a = createCaptcha({ secret, answer: 'HMW7E', now });
    const b = createCaptcha({ secret, answer: 'HMW7E', now });
    expect(a.svg).not.toBe(b.svg);
    expect(a.id).not.toBe(b.id);
  });

  it('uses only unambiguous characters for random answers', () => {
    expect(CAPTCHA_ALPHABET).not.toMatch(/[01ILO]/);
    expect(normalizeCaptchaAnswer(' ab-cd ')).toBe('ABCD');
  });
});
