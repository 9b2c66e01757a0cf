import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { encryptionCodec, isEncryptedPayload, PayloadCodecError } from '../../lib/temporal-codec.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';
import { sendProblem } from '../http/problem.js';
import { verifyToken } from '../http/auth.js';

/**
 * The codec server (Temporal's remote codec protocol) the Temporal Web UI and CLI call to show decrypted
 * payloads: `POST /codec/decode` and `POST /codec/encode`, a JSON body `{ payloads: [...] }` of Payloads in
 * protobuf JSON (metadata values and data in base64), the namespace in `X-Namespace`. Only a platform
 * administrator (role `admin`, the API's bearer JWT) may use it: the answers hold exporters' personal data.
 *
 * The token comes in `Authorization: Bearer …` (the Web UI sends its user's access token there when it has
 * one and is configured to pass it, to an https endpoint), or, for a Web UI without sign-in such as the dev
 * server's, in an HttpOnly cookie scoped to /codec that the administrator sets with their token at
 * GET /codec/session; the UI sends it when its codec settings include cross-origin credentials.
 */
export const CODEC_PATH = '/codec';
export const CODEC_SESSION_COOKIE = 'coo_codec_session';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');
const jsonPayload = z.object({
  metadata: z.record(z.string(), base64).nullish().describe('metadata values in base64'),
  data: base64.nullish().describe('the payload bytes in base64'),
});
const payloadsBody = z.object({ payloads: z.array(jsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof jsonPayload>;

const b64decode = (s: string) => Buffer.from(s, /[-_]/.test(s) ? 'base64url' : 'base64');
function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64decode(v)])),
    data: p.data ? b64decode(p.data) : new Uint8Array(0),
  };
}
function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array(0)).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array(0)).toString('base64'),
  };
}

/**
 * CORS for the Web UI's origins (TEMPORAL_CODEC_CORS_ORIGINS): the browser's preflight, and the headers on every
 * answer, problems included, so the UI can read them. Then the codec's own JSON parser: a history's payloads
 * can be larger than the API's 2 MB limit for its other bodies.
 */
export function codecMiddleware(deps: ApiDeps): RequestHandler[] {
  const allowed = new Set(deps.config.temporal.codecCorsOrigins);
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    const ok = origin !== undefined && allowed.has(origin);
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') {
      // the administrator's codec session (below) stands in for the header the dev Web UI cannot send
      const session = cookieValue(req, CODEC_SESSION_COOKIE);
      if (!req.headers.authorization && session) req.headers.authorization = `Bearer ${session}`;
      return next();
    }
    if (!ok) {
      sendProblem(res, { status: 403, code: ErrorCode.Forbidden, detail: `The origin ${origin ?? '(none)'} may not call the codec endpoint: add it to TEMPORAL_CODEC_CORS_ORIGINS.` });
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
  return [cors, express.json({ limit: '16mb', strict: true, type: ['application/json', 'application/*+json'] })];
}

export function codecRoutes(deps: ApiDeps) {
  const namespace = deps.config.temporal.namespace;
  const codec = encryptionCodec(deps.config.temporal.codec);
  const common = {
    method: 'post' as const,
    tags: ['operations'],
    auth: ['admin' as const],
    body: payloadsBody,
    responses: { 200: { description: 'the payloads, in the same order', schema: payloadsBody } },
  };
  function checkNamespace(header: string | string[] | undefined): void {
    // the Temporal CLI sends an empty X-Namespace: no namespace said
    const asked = (Array.isArray(header) ? header[0] : header) || undefined;
    if (asked !== undefined && asked !== namespace) {
      throw new AppError(ErrorCode.ValidationFailed, `This codec serves the namespace "${namespace}", not "${asked}".`, { status: 400 });
    }
  }
  async function run(what: 'encode' | 'decode', payloads: Payload[]): Promise<Payload[]> {
    try {
      return await codec[what](payloads);
    } catch (e) {
      if (e instanceof PayloadCodecError) throw new AppError(ErrorCode.ValidationFailed, `The payloads could not be decoded: ${e.message}.`, { status: 400 });
      throw e;
    }
  }
  return [
    defineRoute({
      ...common,
      path: `${CODEC_PATH}/decode`,
      operationId: 'codecDecode',
      summary: 'Decrypt Temporal payloads (the codec server of the Temporal Web UI and CLI)',
      description:
        "Temporal's remote codec protocol: the payloads of a workflow's history, as the Web UI sends them, come back decrypted " +
        '(payloads that are not encrypted come back as they are). `X-Namespace`, when sent, must be this deployment\'s namespace. ' +
        'Platform administrators only; every call is logged with who made it.',
      handler: async ({ req, body, principal }) => {
        checkNamespace(req.headers['x-namespace']);
        const payloads = body.payloads.map(fromJson);
        const decoded = await run('decode', payloads);
        req.log?.info({ codec: 'decode', sub: principal!.sub, payloads: payloads.length, encrypted: payloads.filter(isEncryptedPayload).length }, 'payloads decoded for an administrator');
        return { payloads: decoded.map(toJson) };
      },
    }),
    defineRoute({
      ...common,
      path: `${CODEC_PATH}/encode`,
      operationId: 'codecEncode',
      summary: 'Encrypt Temporal payloads with the current key (input typed in the Temporal Web UI or CLI)',
      description: "Temporal's remote codec protocol, the other way: what an administrator sends to a workflow from the Web UI is stored encrypted. Platform administrators only.",
      handler: async ({ req, body, principal }) => {
        checkNamespace(req.headers['x-namespace']);
        const encoded = await run('encode', body.payloads.map(fromJson));
        req.log?.info({ codec: 'encode', sub: principal!.sub, payloads: encoded.length }, 'payloads encoded for an administrator');
        return { payloads: encoded.map(toJson) };
      },
    }),
  ];
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
    } catch {
      return undefined; // malformed: as if there were none
    }
  }
  return undefined;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sessionPage(res: Response, status: number, body: string): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporal Web UI: decrypted payloads</title>` +
        `<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}textarea{width:100%;height:7rem;font:12px monospace}` +
        `.err{color:#a00}.ok{color:#070}code{background:#eee;padding:0 .2em}</style></head><body><h1>Decrypted payloads in the Temporal Web UI</h1>${body}</body></html>`,
    );
}

/**
 * GET /codec/session: a form where a platform administrator pastes their token (`npm run -s token -- platform-admin`
 * in development); POST keeps it in an HttpOnly, SameSite=Strict cookie for /codec only, until the token expires,
 * so a Web UI without sign-in can call the codec with cross-origin credentials. POST /codec/session/end drops it.
 */
export function codecSessionPages(deps: ApiDeps): Router {
  const router = Router();
  const codecUrl = `${deps.config.api.publicBaseUrl}${CODEC_PATH}`;
  const form = (message = '') =>
    `${message}<p>The Temporal Web UI shows workflow inputs, results and signals decrypted when it can call this API's codec endpoint ` +
    `<code>${escapeHtml(codecUrl)}</code> as a <b>platform administrator</b>.</p>` +
    `<form method="post" action="${CODEC_PATH}/session"><p><label>Your token (in development: <code>npm run -s token -- platform-admin</code>)<br>` +
    `<textarea name="token" required autocomplete="off" spellcheck="false"></textarea></label></p><p><button>Use it for the Web UI</button></p></form>` +
    `<form method="post" action="${CODEC_PATH}/session/end"><p><button>Forget it</button></p></form>` +
    `<p>Then, in the Web UI's codec server settings, use your browser's setting with the endpoint <code>${escapeHtml(codecUrl)}</code> and ` +
    `<i>include cross-origin credentials</i> on, and open the Web UI on the same host as this page (${escapeHtml(new URL(codecUrl).hostname)}).</p>`;
  const secure = (req: Request) => req.secure || new URL(codecUrl).protocol === 'https:';

  router.get(`${CODEC_PATH}/session`, (_req, res) => sessionPage(res, 200, form()));
  router.post(`${CODEC_PATH}/session`, express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const fromForm = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    const fromHeader = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const token = fromForm || fromHeader;
    const refuse = (status: number, why: string) => sessionPage(res, status, form(`<p class="err">${escapeHtml(why)}</p>`));
    if (!token) return refuse(401, 'Paste your token first.');
    let principal;
    try {
      principal = await verifyToken(deps.authenticator, token);
    } catch (e) {
      return refuse(401, e instanceof AppError ? e.message : 'The token could not be verified.');
    }
    if (!principal.roles.includes('admin')) return refuse(403, 'Only a platform administrator (role admin) may read decrypted payloads.');
    const exp = decodeJwt(token).exp;
    const maxAge = Math.max(0, Math.min((exp ?? 0) * 1000 - Date.now(), 12 * 3600 * 1000));
    res.cookie(CODEC_SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secure(req), path: CODEC_PATH, maxAge });
    req.log?.info({ codec: 'session', sub: principal.sub }, 'codec session opened for an administrator');
    sessionPage(res, 200, `<p class="ok">Signed in as ${escapeHtml(principal.name)} for the Web UI's codec, until ${new Date(Date.now() + maxAge).toISOString()}.</p>${form()}`);
  });
  router.post(`${CODEC_PATH}/session/end`, (req, res) => {
    res.clearCookie(CODEC_SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secure(req), path: CODEC_PATH });
    sessionPage(res, 200, `<p class="ok">Forgotten: the Web UI shows payloads encrypted again.</p>${form()}`);
  });
  return router;
}
