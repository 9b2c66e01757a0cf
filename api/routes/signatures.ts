import { z } from 'zod';
import {
  completeESign,
  createSigningRequest,
  findVisibleSignedDocument,
  findVisibleSigningRequest,
  signingRequestView,
  startESign,
  submitSignature,
} from '../../services/identity/signing-requests.js';
import { signedDocumentView } from '../../services/identity/verify-signed-submission.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';
import { actorOf, base64Schema, identitySetupFor, uuidSchema } from './identity-support.js';

const signingRequestSchema = z.object({
  id: z.string(),
  userId: z.string(),
  iec: z.string().nullable(),
  officeCode: z.string().nullable(),
  purpose: z.string(),
  reference: z.string().nullable(),
  status: z.enum(['pending', 'signed']),
  contentBase64: z.string().describe('the exact bytes to sign: canonical JSON (sorted keys, no whitespace, UTF-8), base64'),
  contentSha256: z.string(),
  expiresAt: z.string(),
  signedDocumentId: z.string().nullable(),
  createdAt: z.string(),
});
const signedDocumentSchema = z.object({
  id: z.string(),
  signingRequestId: z.string().nullable(),
  userId: z.string(),
  iec: z.string().nullable(),
  officeCode: z.string().nullable(),
  purpose: z.string(),
  reference: z.string().nullable(),
  method: z.string().describe('dsc or esign'),
  contentBase64: z.string(),
  contentSha256: z.string(),
  signatureBase64: z.string(),
  signer: z.object({
    name: z.string(),
    fingerprintSha256: z.string(),
    serialNumber: z.string(),
    dscId: z.string().nullable(),
    aadhaarLast4: z.string().nullable(),
    esignTransactionId: z.string().nullable(),
  }),
  signingTime: z.string().nullable(),
  verifiedAt: z.string(),
});
const signedSchema = z.object({ outcome: z.enum(['signed', 'existing']), signedDocument: signedDocumentSchema });
const idParam = z.object({ id: uuidSchema });

const signingErrors =
  'Refusals, each with its code: `user_frozen` (with the explanation of the name mismatch), `signature_invalid` (not a valid signature over these bytes), ' +
  '`dsc_not_registered`, `signer_not_acting_user` (signed with a DSC that is not registered to you), `dsc_expired`, `dsc_untrusted`, `dsc_iec_not_matched` and the other DSC rules, ' +
  '`dsc_name_mismatch` (the name differs from your profile: your verification is frozen), `signing_request_expired`, `already_done`.';

export function signatureRoutes(deps: ApiDeps) {
  const identity = identitySetupFor(deps);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/signing-requests',
      operationId: 'createSigningRequest',
      summary: 'Get the canonical bytes (and SHA-256) of a document to sign',
      description:
        'The server wraps the document with who signs it, why and when, puts it in canonical form and returns the exact bytes (base64) and their SHA-256. ' +
        'Sign them with your registered DSC (detached CMS, e.g. `npx tsx scripts/sign.ts`) and send the signature to POST /v1/signing-requests/{id}/signature, ' +
        'or sign with Aadhaar eSign (POST /v1/signing-requests/{id}/esign). Valid for 30 minutes. For exporter users and officers whose verification is not frozen.',
      tags: ['signing'],
      auth: ['exporter', 'officer'],
      body: z.object({
        purpose: z
          .string()
          .regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case letters, digits and hyphens, e.g. declaration')
          .refine((p) => p !== 'dsc-registration', 'DSC registration has its own challenge: POST /v1/me/dsc/challenge')
          .describe('what is signed, e.g. declaration, application-summary, deficiency-response'),
        reference: z.string().trim().min(1).max(80).optional().describe('e.g. an application number'),
        document: z.record(z.string(), z.unknown()).describe('the JSON document to sign'),
      }),
      responses: { 201: { description: 'the bytes to sign', schema: signingRequestSchema } },
      handler: async ({ body, principal, res }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        const r = await createSigningRequest(em, actor, body, deps.config.mail.helpdeskAddress);
        res.status(201);
        return r;
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/signing-requests/:id',
      operationId: 'getSigningRequest',
      summary: 'A signing request and its status',
      description: "Visible to the users of the same IEC, the officers of the same office, and helpdesk/admin staff; anyone else gets 404, as if it did not exist.",
      tags: ['signing'],
      auth: ['exporter', 'officer', 'helpdesk', 'admin'],
      params: idParam,
      responses: { 200: { description: 'the request', schema: signingRequestSchema } },
      handler: async ({ params, principal }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        return signingRequestView(await findVisibleSigningRequest(em, actor, params.id));
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/signing-requests/:id/signature',
      operationId: 'submitSignature',
      summary: 'Send the detached CMS signature made with your registered DSC; verified and stored',
      description:
        'The server verifies the CMS signature over the exact bytes it handed out, every DSC rule on the signer, that the signer is your registered DSC, ' +
        `that your profile name matches the DSC, and that your verification is not frozen; then stores the signed document. ${signingErrors} ` +
        'Idempotent: the same signature sent again returns the stored document (200).',
      tags: ['signing'],
      auth: ['exporter', 'officer'],
      params: idParam,
      body: z.object({ signature: base64Schema('The signature').describe('detached CMS/PKCS#7 SignedData, DER as base64 (PEM accepted)') }),
      responses: { 201: { description: 'verified and stored', schema: signedSchema }, 200: { description: 'already stored', schema: signedSchema } },
      handler: async ({ params, body, principal, res }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        const result = await submitSignature(em, await identity(), actor, params.id, body.signature);
        res.status(result.outcome === 'signed' ? 201 : 200);
        return result;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/signing-requests/:id/esign',
      operationId: 'startAadhaarESign',
      summary: 'Sign with Aadhaar eSign instead of a DSC: start (an OTP goes to the Aadhaar-linked mobile)',
      description:
        "Sends the document's SHA-256 to the eSign service provider (the sandbox in development: OTP 123456). The Aadhaar number is passed on, not stored. " +
        'Then send the OTP to POST /v1/signing-requests/{id}/esign/otp.',
      tags: ['signing'],
      auth: ['exporter', 'officer'],
      params: idParam,
      body: z.object({ aadhaarId: z.string().regex(/^[\d\s-]{12,19}$/, 'an Aadhaar number (12 digits) or Virtual ID (16 digits)') }),
      responses: {
        201: {
          description: 'OTP sent',
          schema: z.object({ provider: z.string(), transactionId: z.string(), redirectUrl: z.string(), expiresAt: z.string(), otpSentTo: z.string().optional() }),
        },
      },
      handler: async ({ params, body, principal, res }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        const started = await startESign(em, await identity(), actor, params.id, body.aadhaarId);
        res.status(201);
        return started;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/signing-requests/:id/esign/otp',
      operationId: 'completeAadhaarESign',
      summary: 'Complete Aadhaar eSign with the OTP; the signature is verified and stored',
      description:
        "The provider returns a detached CMS signature with the signer's Aadhaar name; the server verifies it like a DSC signature (accepted provider, chain, validity) " +
        `and applies the identity-matching threshold to the Aadhaar name. Wrong OTP: \`esign_otp_invalid\` with the attempts left. ${signingErrors}`,
      tags: ['signing'],
      auth: ['exporter', 'officer'],
      params: idParam,
      body: z.object({ otp: z.string().regex(/^\d{4,8}$/, 'the OTP is 4 to 8 digits') }),
      responses: { 201: { description: 'verified and stored', schema: signedSchema } },
      handler: async ({ params, body, principal, res }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        const result = await completeESign(em, await identity(), actor, params.id, body.otp);
        res.status(result.outcome === 'signed' ? 201 : 200);
        return result;
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/signed-documents/:id',
      operationId: 'getSignedDocument',
      summary: 'A signed document: the exact content, its signature and the verified signer',
      description: "Visible to the users of the same IEC, the officers of the same office, and helpdesk/admin staff; anyone else gets 404, as if it did not exist.",
      tags: ['signing'],
      auth: ['exporter', 'officer', 'helpdesk', 'admin'],
      params: idParam,
      responses: { 200: { description: 'the document', schema: signedDocumentSchema } },
      handler: async ({ params, principal }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        return signedDocumentView(await findVisibleSignedDocument(em, actor, params.id));
      },
    }),
  ];
}
