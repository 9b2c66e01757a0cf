import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CertificateRow } from '../../db/entities/index.js';
import { loadCertificateRecord } from '../../services/certificate/live-record.js';
import { linkTokenMatches } from '../../services/certificate/link-token.js';
import { createQrKeySource } from '../../services/certificate/qr-key-source.js';
import { checkCaptcha, createCaptcha } from '../../services/certificate/captcha.js';
import { checkPowSolution, createPowChallenge, type PowChallenge } from '../../services/certificate/proof-of-work.js';
import { createSharedCaptchaGuard, createSharedRateLimiter, type RateLimitDecision } from '../../services/certificate/shared-limits.js';
import { VERIFY_PATH, WELL_KNOWN_KEYS_PATH } from '../../services/certificate/qr-payload.js';
import {
  publicCertificateView,
  renderCertificatePage,
  renderLookupPage,
  renderNotFoundPage,
  renderRateLimitedPage,
  renderWrongCaptchaPage,
  type LookupError,
  type VerificationPageContext,
} from '../../services/certificate/verification-page.js';
import type { CertificateRecord } from '../../domain/certificate/types.js';
import { normaliseCertificateNumber } from '../../domain/numbering/certificate-number.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { ApiDeps } from '../deps.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { defineRoute } from '../http/route.js';

/**
 * Public verification of certificates (seed 002 §6), no login: the page (number + captcha, or the QR
 * code's link with its token), the same as JSON, and the QR payload's public keys.
 *
 * Against enumeration: every lookup by number needs a solved captcha, used once; the QR link needs the
 * certificate's random token, and a wrong token gets exactly the answer of an unknown number; every
 * request counts against a token bucket per client IP (429 beyond).
 */

const NUMBER_SHAPE = /^[A-Z0-9][A-Z0-9/-]{3,63}$/;
const NOT_FOUND = 'No certificate with this number was found.';

export type { RateLimitDecision } from '../../services/certificate/shared-limits.js';

/** The client's address (behind a trusted proxy: the forwarded one); IPv6 clients by their /64. */
export function clientKey(req: Pick<Request, 'ip' | 'socket'>): string {
  const ip = (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').replace(/%.*$/, '');
  if (!ip.includes(':')) return ip;
  const [head = '', tail, ...more] = ip.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (more.length > 0) return ip;
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

type Lookup = { status: 'found'; record: CertificateRecord } | { status: 'not_found' };

interface VerificationService {
  take(req: Request): Promise<RateLimitDecision>;
  guard: ReturnType<typeof createSharedCaptchaGuard>;
  keys: ReturnType<typeof createQrKeySource>;
  newCaptcha(): ReturnType<typeof createCaptcha>;
  /** the accessible alternative: a proof-of-work challenge the browser solves */
  newPow(): Promise<PowChallenge>;
  /** by number: the caller has solved a captcha */
  byNumber(number: string): Promise<Lookup>;
  /** by the QR link: a wrong token answers exactly like an unknown number */
  byLink(number: string, token: string): Promise<Lookup>;
  pageContext(nonce: string): VerificationPageContext;
}

const services = new WeakMap<ApiDeps, VerificationService>();

/** One per API: the JSON routes and the pages share the rate limits and the used captchas. */
function verificationService(deps: ApiDeps): VerificationService {
  const existing = services.get(deps);
  if (existing) return existing;
  const settings = () => deps.config.certificates.verification;
  // in PostgreSQL: every API process draws on the same allowance and sees the same spent captchas
  const limiter = createSharedRateLimiter({ em: () => deps.orm.em.fork(), scope: 'verification', limits: () => ({ perMinute: settings().rateLimitPerMinute, burst: settings().rateLimitBurst }) });
  const keys = createQrKeySource(deps.config.certificates.qrKey);

  // the live record: status, what superseded it (its superseded_by column), what it replaces, its duplicates
  async function recordOf(row: CertificateRow): Promise<CertificateRecord> {
    const em = deps.orm.em.fork();
    return loadCertificateRecord(em, () => loadReferenceIndex(em), row, deps.config.api.publicBaseUrl);
  }
  // read-only: no identity map, no change-tracking snapshot of the (large) document
  const find = (number: string) => deps.orm.em.fork().findOne(CertificateRow, { number }, { disableIdentityMap: true });

  const service: VerificationService = {
    take: (req) => limiter.take(clientKey(req)),
    guard: createSharedCaptchaGuard({ em: () => deps.orm.em.fork() }),
    keys,
    newCaptcha: () => createCaptcha({ secret: settings().captchaSecret, ttlSeconds: settings().captchaTtlSeconds }),
    newPow: () => createPowChallenge({ secret: settings().captchaSecret, ttlSeconds: settings().captchaTtlSeconds }),
    async byNumber(number) {
      const row = await find(number);
      return row ? { status: 'found', record: await recordOf(row) } : { status: 'not_found' };
    },
    async byLink(number, token) {
      const row = await find(number);
      if (!linkTokenMatches(row?.verificationToken, token) || !row) return { status: 'not_found' };
      return { status: 'found', record: await recordOf(row) };
    },
    pageContext: (nonce) => ({
      verifyPath: VERIFY_PATH,
      keysUrl: `${deps.config.api.publicBaseUrl}${WELL_KNOWN_KEYS_PATH}`,
      helpdeskEmail: deps.config.mail.helpdeskAddress,
      nonce,
    }),
  };
  services.set(deps, service);
  return service;
}

/** A captcha answer checked and spent: false for a wrong, expired, malformed or already used one. */
async function spendCaptcha(service: VerificationService, secret: string, token: string, answer: string): Promise<{ ok: true } | { ok: false; expired: boolean }> {
  const check = checkCaptcha({ secret, token, answer });
  if (!check.ok) return { ok: false, expired: check.reason === 'expired' };
  if (!(await service.guard.use(check.id, check.expiresAt))) return { ok: false, expired: false };
  return { ok: true };
}

/** A proof-of-work solution checked and spent, in the same single-use guard as the image captchas. */
async function spendPow(service: VerificationService, secret: string, payload: string): Promise<{ ok: true } | { ok: false; expired: boolean }> {
  const check = await checkPowSolution({ secret, payload });
  if (!check.ok) return { ok: false, expired: check.reason === 'expired' };
  if (!(await service.guard.use(check.id, check.expiresAt))) return { ok: false, expired: false };
  return { ok: true };
}

function first(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : '';
}

// ---- the pages ----

function sendPage(res: Response, status: number, nonce: string, html: string): void {
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

/** GET and POST /verify: HTML, mounted beside the JSON routes (before the 404 handler). */
export function verificationPages(deps: ApiDeps): Router {
  const router = Router();
  const service = () => verificationService(deps);

  router.get(VERIFY_PATH, async (req, res) => {
    const s = service();
    const nonce = randomBytes(16).toString('base64');
    const ctx = s.pageContext(nonce);
    const limit = await s.take(req);
    if (!limit.ok) {
      res.setHeader('Retry-After', String(limit.retryAfterSeconds));
      return sendPage(res, 429, nonce, renderRateLimitedPage(ctx, { retryAfterSeconds: limit.retryAfterSeconds }));
    }
    const no = first(req.query.no).slice(0, 80);
    const token = first(req.query.t).slice(0, 80);
    if (no && token) {
      const found = await s.byLink(no, token);
      if (found.status === 'not_found') return sendPage(res, 404, nonce, renderNotFoundPage(ctx));
      return sendPage(res, 200, nonce, renderCertificatePage(ctx, { record: found.record, jwks: await s.keys.jwks() }));
    }
    const number = normaliseCertificateNumber(no);
    const captcha = s.newCaptcha();
    return sendPage(res, 200, nonce, renderLookupPage(ctx, { captcha, pow: await s.newPow(), ...(NUMBER_SHAPE.test(number) ? { number } : {}) }));
  });

  router.post(VERIFY_PATH, express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }), async (req, res) => {
    const s = service();
    const nonce = randomBytes(16).toString('base64');
    const ctx = s.pageContext(nonce);
    const limit = await s.take(req);
    if (!limit.ok) {
      res.setHeader('Retry-After', String(limit.retryAfterSeconds));
      return sendPage(res, 429, nonce, renderRateLimitedPage(ctx, { retryAfterSeconds: limit.retryAfterSeconds }));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const number = normaliseCertificateNumber(first(body.no)).slice(0, 80);
    const answer = first(body.captcha).slice(0, 20);
    const token = first(body.captchaToken).slice(0, 200);
    // the accessible path: the page's script solved a proof-of-work challenge instead of the image
    const altcha = first(body.altcha).slice(0, 2000);
    const again = async (error: LookupError, status = 422) =>
      sendPage(res, status, nonce, renderLookupPage(ctx, { captcha: s.newCaptcha(), pow: await s.newPow(), ...(number ? { number } : {}), error }));
    if (!altcha && first(body.withoutImage)) return again(number ? 'pow_needs_script' : 'missing_fields');
    if (!number || (!answer && !altcha)) return again('missing_fields');
    const secret = deps.config.certificates.verification.captchaSecret;
    if (altcha) {
      if (!(await spendPow(s, secret, altcha)).ok) return again('pow_failed');
    } else {
      const spent = await spendCaptcha(s, secret, token, answer);
      if (!spent.ok) {
        return sendPage(res, 422, nonce, renderWrongCaptchaPage(ctx, { captcha: s.newCaptcha(), pow: await s.newPow(), number, expired: spent.expired }));
      }
    }
    if (!NUMBER_SHAPE.test(number)) return again('invalid_number');
    const found = await s.byNumber(number);
    if (found.status === 'not_found') return sendPage(res, 404, nonce, renderNotFoundPage(ctx));
    return sendPage(res, 200, nonce, renderCertificatePage(ctx, { record: found.record, jwks: await s.keys.jwks() }));
  });

  return router;
}

// ---- JSON ----

const lookupQuery = z.object({
  no: z.string().min(1).max(80).describe('The certificate number, as printed ("/" may stay unencoded in a query string)'),
  t: z.string().max(80).optional().describe("The QR link's token (the t= of the QR code's URL): no captcha needed"),
  captchaToken: z.string().max(200).optional().describe('From GET /v1/public/captcha'),
  captchaAnswer: z.string().max(20).optional().describe('The characters of the captcha image (not case-sensitive)'),
  altcha: z.string().max(2000).optional().describe('Instead of the captcha: a solved proof-of-work challenge from GET /v1/public/pow-challenge (base64 JSON: algorithm, challenge, number, salt, signature)'),
});

const historyEvent = z.object({ at: z.string(), type: z.string(), description: z.string(), relatedCertificateNumber: z.string().optional(), actor: z.string().optional() });
const relatedCertificate = z.object({
  certificateNumber: z.string(),
  kind: z.enum(['original', 'duplicate', 'in-lieu']),
  issueDate: z.string(),
  verificationUrl: z.string().optional().describe("that certificate's own verification (the link of its QR code)"),
});
const publicView = z
  .object({
    certificateNumber: z.string(),
    status: z.enum(['issued', 'superseded', 'cancelled']),
    kind: z.enum(['original', 'duplicate', 'in-lieu']),
    source: z.enum(['platform', 'legacy']).describe('legacy: a record imported from the legacy eCoO 1.0 platform, whose verification continues there'),
    valid: z.boolean().describe('true only for a certificate in force (issued); false when superseded or cancelled'),
    statusText: z.string(),
    statusDetails: z.array(z.string()).describe('"Superseded by <number> on <date> — <reason>", "Cancelled on <date> — <reason>", "Duplicate of …", "Issued in lieu of <number> dated <date>", its duplicates'),
    issuedAt: z.string(),
    supersededBy: z.string().optional(),
    superseded: z.object({ by: relatedCertificate, at: z.string(), reason: z.string() }).optional(),
    cancellation: z.object({ at: z.string(), reason: z.string(), by: z.string().optional() }).optional(),
    replaces: relatedCertificate.optional().describe('a duplicate or in-lieu certificate: the certificate it was issued from'),
    duplicates: z.array(relatedCertificate).optional().describe('an original: its duplicates'),
    qrNotice: z.string().optional().describe("the QR code's signed summary still verifies offline after supersession or cancellation: the live status is what counts"),
    checkedAt: z.string().describe('when the live record was read'),
    certificate: z.object({}).loose().optional().describe('everything the certificate says: exporter, importer, transport and route, goods, invoice, declaration, certification (absent for a legacy record)'),
    legacy: z
      .object({})
      .loose()
      .optional()
      .describe("a legacy record: what the legacy platform's export said (number, issue date, agency, office, agreement, IEC, importer, goods summary, exporter)"),
    totals: z.object({ items: z.number(), packages: z.number(), value: z.number(), currency: z.string(), hsCodes: z.array(z.string()) }).optional(),
    signature: z.object({ signedBy: z.object({ commonName: z.string(), serialNumber: z.string(), organization: z.string().optional() }).optional(), pdfSha256: z.string().optional() }),
    history: z.array(historyEvent),
  })
  .loose();
const jwksSchema = z.object({ keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string(), kid: z.string(), alg: z.string(), use: z.string() }).loose()) });

function rateLimited(res: Response, decision: RateLimitDecision): AppError {
  res.setHeader('Retry-After', String(decision.retryAfterSeconds));
  return new AppError(ErrorCode.RateLimited, `Too many verification requests from your network: try again in ${decision.retryAfterSeconds} seconds.`, {
    details: { retryAfterSeconds: decision.retryAfterSeconds },
  });
}

function publicHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

export function verificationRoutes(deps: ApiDeps) {
  const service = () => verificationService(deps);
  /** The public JSON operations: their headers, then the client's allowance (429 with Retry-After when spent). */
  const admitted = async (req: Request, res: Response) => {
    publicHeaders(res);
    const s = service();
    const limit = await s.take(req);
    if (!limit.ok) throw rateLimited(res, limit);
    return s;
  };
  return [
    defineRoute({
      method: 'get',
      path: WELL_KNOWN_KEYS_PATH,
      operationId: 'certificateQrKeys',
      summary: "Public keys of the QR codes' signed summaries (JWKS)",
      description: 'ES256 keys, current and retired ones still in circulation, for checking a QR code offline (docs/verify-offline.md).',
      tags: ['public verification'],
      auth: 'public',
      responses: { 200: { description: 'the key set', schema: jwksSchema, contentType: 'application/jwk-set+json' } },
      handler: async ({ res }) => {
        const jwks = await service().keys.jwks();
        res.setHeader('Content-Type', 'application/jwk-set+json');
        res.setHeader('Cache-Control', 'public, max-age=3600');
        res.setHeader('Access-Control-Allow-Origin', '*');
        return jwks;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/public/captcha',
      operationId: 'newVerificationCaptcha',
      summary: 'A captcha for looking up a certificate by its number',
      description: 'Show the SVG to the person, then send its token and their answer to GET /v1/public/certificates. Each captcha is accepted once, until expiresAt.',
      tags: ['public verification'],
      auth: 'public',
      responses: {
        200: { description: 'a captcha', schema: z.object({ token: z.string(), svg: z.string().describe('inline SVG image, about 220×72'), expiresAt: z.string() }) },
        429: { description: 'too many requests (problem+json, Retry-After)' },
      },
      handler: async ({ req, res }) => {
        const s = await admitted(req, res);
        const c = s.newCaptcha();
        return { token: c.token, svg: c.svg, expiresAt: c.expiresAt.toISOString() };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/public/pow-challenge',
      operationId: 'newVerificationPowChallenge',
      summary: 'A proof-of-work challenge: the alternative to the captcha image, solved by the client itself',
      description:
        'ALTCHA (altcha-lib): find the number n, 0 ≤ n ≤ maxnumber, whose SHA-256(salt + n) in hex equals challenge, then send base64(JSON {algorithm, challenge, number, salt, signature}) ' +
        'as `altcha` to GET /v1/public/certificates. Each challenge is accepted once, until expiresAt (the same single-use record as the captchas).',
      tags: ['public verification'],
      auth: 'public',
      responses: {
        200: {
          description: 'a challenge',
          schema: z.object({ algorithm: z.string(), challenge: z.string(), maxnumber: z.number(), salt: z.string(), signature: z.string(), expiresAt: z.string() }),
        },
        429: { description: 'too many requests (problem+json, Retry-After)' },
      },
      handler: async ({ req, res }) => {
        const s = await admitted(req, res);
        return s.newPow();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/public/certificates',
      operationId: 'verifyCertificate',
      summary: 'Verify a certificate: all its details and its live record (no login)',
      description:
        'Either the QR link\'s token (`t`, from the QR code\'s URL), a solved captcha (`captchaToken` + `captchaAnswer`, from GET /v1/public/captcha) or a solved proof-of-work challenge ' +
        '(`altcha`, from GET /v1/public/pow-challenge), each captcha and challenge accepted once. ' +
        'An unknown number and a wrong token get the same 404. Rate-limited per client IP (429 with Retry-After).',
      tags: ['public verification'],
      auth: 'public',
      query: lookupQuery,
      responses: {
        200: { description: 'the certificate and its live record', schema: publicView },
        404: { description: 'no certificate with this number (or a wrong link token)' },
        422: { description: 'no token and no captcha, or a wrong, expired or already used captcha or proof-of-work solution (code captcha_failed)' },
        429: { description: 'too many requests (problem+json, Retry-After)' },
      },
      handler: async ({ req, res, query }) => {
        const s = await admitted(req, res);
        let found: Lookup;
        if (query.t) {
          found = await s.byLink(query.no, query.t);
        } else {
          // without the link's token, a solved challenge: the image captcha, or the proof of work (no image to see)
          const secret = deps.config.certificates.verification.captchaSecret;
          let spent: { ok: boolean; expired?: boolean };
          let refusal: { path: string; expired: string; wrong: string; short: string };
          if (query.altcha) {
            spent = await spendPow(s, secret, query.altcha);
            refusal = {
              path: 'query/altcha',
              expired: 'The proof-of-work challenge has expired: get a new one and try again.',
              wrong: 'The proof-of-work solution is wrong, forged or was already used: get a new challenge and try again.',
              short: 'wrong, forged or already used',
            };
          } else {
            if (!query.captchaToken || !query.captchaAnswer) {
              throw new AppError(ErrorCode.ValidationFailed, 'Give the token of the QR code\'s link (t), or a captcha: captchaToken and captchaAnswer (GET /v1/public/captcha).', {
                problems: [{ path: 'query/captchaAnswer', message: 'a captcha answer or a link token is required' }],
              });
            }
            spent = await spendCaptcha(s, secret, query.captchaToken, query.captchaAnswer);
            refusal = {
              path: 'query/captchaAnswer',
              expired: 'The captcha has expired: get a new one and try again.',
              wrong: 'The captcha answer is wrong or the captcha was already used: get a new one and try again.',
              short: 'wrong or already used',
            };
          }
          if (!spent.ok) {
            throw new AppError(ErrorCode.CaptchaFailed, spent.expired ? refusal.expired : refusal.wrong, {
              problems: [{ path: refusal.path, message: spent.expired ? 'expired' : refusal.short }],
            });
          }
          const number = normaliseCertificateNumber(query.no);
          found = NUMBER_SHAPE.test(number) ? await s.byNumber(number) : { status: 'not_found' };
        }
        if (found.status === 'not_found') throw new AppError(ErrorCode.NotFound, NOT_FOUND);
        return publicCertificateView(found.record);
      },
    }),
  ];
}
