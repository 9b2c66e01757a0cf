import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { encryptionCodec, isEncryptedPayload, PayloadCodecError } from '../../lib/temporal-codec.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';
import { sendProblem } from '../http/problem.js';

/**
 * The codec server (Temporal's remote codec protocol) the Temporal Web UI and CLI call to show decrypted
 * payloads: `POST /codec/decode` and `POST /codec/encode`, a JSON body `{ payloads: [...] }` of Payloads in
 * protobuf JSON (metadata values and data in base64), the namespace in `X-Namespace`. Only a platform
 * administrator (role `admin`, the API's bearer JWT) may use it: the answers hold exporters' personal data.
 */
export const CODEC_PATH = '/codec';

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
    if (req.method !== 'OPTIONS') return next();
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
    const asked = Array.isArray(header) ? header[0] : header;
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
