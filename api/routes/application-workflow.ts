import { sendStoredPdf } from '../http/stored-pdf.js';
import crypto from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationRow, AttachmentRow, CertificateRow, PaymentRow, TaxInvoiceRow, WalletTopupRow } from '../../db/entities/index.js';
import { externalSigningContent } from '../../services/pdf/sign-pdf.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Principal } from '../../lib/auth/roles.js';
import { buildSigningPayload } from '../../services/application/signing.js';
import { officerOnDuty } from '../../services/identity/officer-on-duty.js';
import { createKeptAnswerService } from '../../services/application/kept-answers.js';
import { createGatewayCredentialSource } from '../../services/payment/gateway-credentials.js';
import { verifyCallbackChecksum } from '../../services/payment/gateway.js';
import { settleTopUp } from '../../services/payment/wallet.js';
import { DEFICIENCY_RESPONSE_POLICY, inspectUpload } from '../../domain/application/check-upload.js';
import { ATTACHMENT_DOCUMENT_TYPES } from '../../domain/application/schemas.js';
import { SA } from '../../workflows/search-attributes.js';
import { fileWorkflowOf, type CertificateRequestWorkflowInput } from '../../workflows/certificate-request/contract.js';
import {
  TASK_QUEUE,
  approveUpdate,
  paymentCallbackSignal,
  prepareDeficiencyResponseUpdate,
  raiseDeficiencyUpdate,
  rejectUpdate,
  signCertificateUpdate,
  signingPayloadUpdate,
  signUpdate,
  startPaymentUpdate,
  stateQuery,
  type ApplicationState,
  type SigningPayload,
  type ApplicationWorkflowInput,
  type OfficerRef,
} from '../../workflows/application/contract.js';
import type { ApiDeps } from '../deps.js';
import { applicationNotFound, canSee, isOwner, seesUnsubmitted } from '../drafts/access.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { BodyTooLarge, readRawBody } from '../drafts/raw-body.js';
import { defineRoute } from '../http/route.js';
import { workflowErrorToAppError } from '../http/workflow-errors.js';
import { namePeople } from '../../services/identity/people-names.js';
import { attestationChoiceProblems, type AttestationDecline } from '../../domain/certificate/attestation.js';
import { markedForAttestation } from '../../services/certificate/attested-documents.js';
import { completeFileESign, startFileESign } from '../../services/application/file-esign.js';
import { identitySetupFor } from './identity-support.js';

const idParam = z.object({ id: z.string().min(1).max(40).describe('Application id') });

const signingPayload = z.object({
  purpose: z.enum(['submission', 'deficiency-edit', 'clarification']),
  round: z.number(),
  sha256: z.string(),
  contentB64: z.string().describe('The canonical bytes to sign (base64): sign exactly these with your DSC, detached CMS'),
});
/** An approval: every attachment marked "Attest" is attested unless declined here, each with its remark. */
const approveBody = z
  .object({
    declineAttestation: z
      .array(
        z.object({
          attachmentId: z.string().min(1).max(64).describe('an attachment of tab 6 the exporter marked "Attest"'),
          remark: z.string().trim().min(1).max(1000).describe('why it is not attested: the exporter reads it'),
        }),
      )
      .max(20)
      .default([])
      .describe('attachments marked "Attest" that you do not attest; every other one becomes an attested copy sealed like the certificate'),
  })
  .default({ declineAttestation: [] });

const stateSchema = z.object({ status: z.string(), applicationNumber: z.string() }).loose();

async function loadVisible(deps: ApiDeps, principal: Principal, id: string): Promise<ApplicationRow> {
  const row = await deps.orm.em.fork().findOne(ApplicationRow, { $or: [{ id }, { number: id }] });
  if (!row || !canSee(principal, row)) throw applicationNotFound(id);
  return row;
}

async function loadOwned(deps: ApiDeps, principal: Principal, id: string): Promise<ApplicationRow> {
  const row = await loadVisible(deps, principal, id);
  if (!isOwner(principal, row)) throw new AppError(ErrorCode.Forbidden, 'Only the exporter who filed this application can do this.');
  return row;
}

function officerRef(principal: Principal, channel: OfficerRef['channel'] = 'api'): OfficerRef {
  if (!principal.officeCode) throw new AppError(ErrorCode.Forbidden, 'Your officer account is not mapped to an office.');
  return { officerId: principal.sub, name: principal.name, officeCode: principal.officeCode, channel };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw workflowErrorToAppError(e);
  }
}

/** The Update ID: a client that retries with the same Idempotency-Key gets the first answer back. */
function updateId(req: Request, what: string): string | undefined {
  const k = req.headers['idempotency-key'];
  return typeof k === 'string' && /^[\w.:-]{8,100}$/.test(k) ? `${what}:${k}` : undefined;
}

export function applicationWorkflowRoutes(deps: ApiDeps) {
  const answers = createKeptAnswerService({ em: () => deps.orm.em.fork() });
  // validated durations from lib/config.ts ("7 days", "30 seconds")
  const timings = (): ApplicationWorkflowInput['timings'] => ({ ...deps.config.timings }) as unknown as ApplicationWorkflowInput['timings'];
  return [
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/submit',
      operationId: 'submitApplication',
      summary: 'Submit a complete draft: starts its workflow and returns the summary to sign',
      description:
        'Every tab is validated with every rule first (the same check the workflow repeats). The workflow `coo-application/<number>` starts in ' +
        '"Pending Signature"; the answer carries the canonical bytes to sign with your DSC (`POST …/signature`).',
      tags: ['application workflow'],
      auth: ['exporter'],
      params: idParam,
      responses: { 202: { description: 'started', schema: z.object({ workflowId: z.string(), status: z.string(), signing: signingPayload }) } },
      handler: async ({ params, principal, req, res }) => {
        const app = await loadOwned(deps, principal!, params.id);
        const { workflowType, workflowId } = fileWorkflowOf(app);
        // a retry after a lost answer (same Idempotency-Key) gets the same signing payload, not a refusal
        const id = updateId(req, 'submit');
        const scope = id ? `application/${app.id}/${principal!.sub}/${id}` : undefined;
        const kept = scope ? await answers.find(scope) : null;
        if (kept && !kept.reserved) {
          res.status(kept.status);
          return kept.body as { workflowId: string; status: string; signing: SigningPayload };
        }
        const answer = async (state: ApplicationState) => {
          if (state.status !== 'Pending Signature' || !state.signing) {
            throw new AppError(ErrorCode.AlreadyDone, `Application ${app.number} has already been submitted; it is ${state.status}.`);
          }
          const body = { workflowId, status: state.status, signing: state.signing };
          if (scope) await answers.keep(scope, 202, body);
          res.status(202);
          return body;
        };
        const runningAnswer = () => call(() => deps.temporal.workflow.getHandle(workflowId).executeUpdate(signingPayloadUpdate)).then(answer);
        // this key started the workflow, but its answer was lost before it was kept: the workflow answers again
        if (kept?.reserved) return runningAnswer();
        if (app.status !== 'Draft') throw new AppError(ErrorCode.IllegalTransition, `Application ${app.number} is ${app.status}: only a draft can be submitted.`);
        const reference = await loadReferenceIndex(deps.orm.em.fork());
        // the same rules the workflow applies; problems come back as field-level problem+json
        await buildSigningPayload(deps.orm.em.fork(), reference, { applicationId: app.id, purpose: 'submission', round: 0 });
        const input: ApplicationWorkflowInput | CertificateRequestWorkflowInput = {
          applicationId: app.id,
          applicationNumber: app.number,
          iec: app.iec,
          exporterUserId: principal!.sub,
          agreementCode: app.agreementCode!,
          agencyCode: app.agencyCode!,
          officeCode: app.officeCode!,
          timings: timings(),
          // a request for a duplicate / in-lieu certificate: its own workflow type and ID (fileWorkflowOf)
          ...(app.kind !== 'application' ? { kind: app.kind, originalCertificateNumber: app.originalCertificateNumber! } : {}),
        };
        // Update-with-Start: the workflow starts and answers with the bytes to sign as soon as it has them
        const startWorkflowOperation = new WithStartWorkflowOperation(workflowType, {
          taskQueue: TASK_QUEUE,
          workflowId,
          args: [input],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [
            { key: SA.applicationNumber, value: app.number },
            { key: SA.iec, value: app.iec },
            { key: SA.fileStatus, value: 'Pending Signature' },
            { key: SA.agency, value: app.agencyCode! },
            { key: SA.office, value: app.officeCode! },
            { key: SA.agreement, value: app.agreementCode! },
            ...(app.kind !== 'application'
              ? [
                  { key: SA.requestKind, value: app.kind },
                  { key: SA.originalCertificateNumber, value: app.originalCertificateNumber! },
                ]
              : []),
          ],
        });
        if (scope) await answers.reserve(scope);
        let state: ApplicationState;
        try {
          state = await deps.temporal.workflow.executeUpdateWithStart(signingPayloadUpdate, { startWorkflowOperation });
        } catch (e) {
          if (e instanceof WorkflowExecutionAlreadyStartedError) {
            throw new AppError(ErrorCode.AlreadyDone, `Application ${app.number} has already been submitted.`);
          }
          throw workflowErrorToAppError(e);
        }
        return answer(state);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/workflow',
      operationId: 'getApplicationWorkflowState',
      summary: "The live state of the application's workflow (status, fee, payment, deficiencies, history)",
      tags: ['application workflow'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      params: idParam,
      responses: { 200: { description: 'state', schema: stateSchema } },
      handler: async ({ params, principal }) => {
        const app = await loadVisible(deps, principal!, params.id);
        const queried = await call(() => deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId).query(stateQuery));
        // people by their names: a signature's actor is recorded by user id
        const state = await namePeople(deps.orm.em.fork(), queried);
        if (seesUnsubmitted(principal!, app)) return state;
        // officers see what the exporter signed: not a response still waiting for its signature
        const { signing: _unsigned, ...signedOnly } = state;
        return signedOnly;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/esign',
      operationId: 'startApplicationESign',
      summary: 'Sign with Aadhaar eSign instead of a DSC: start (an OTP goes to the Aadhaar-linked mobile)',
      description:
        'For whatever the file waits to have signed: the submission of an application or of a request for a duplicate / in-lieu certificate, ' +
        'a deficiency (discrepancy) response prepared with `POST …/deficiency-response`. The SHA-256 of the bytes to sign and your Aadhaar number ' +
        'go to the eSign service provider (the sandbox in development: OTP 123456), which sends an OTP to the mobile linked to your Aadhaar; the ' +
        'Aadhaar number is passed on, not stored. Then send the OTP to `POST …/signature` with `{"method": "esign", "otp": "…"}`.',
      tags: ['application workflow'],
      auth: ['exporter'],
      params: idParam,
      body: z.object({ aadhaarId: z.string().regex(/^[\d\s-]{12,19}$/, 'an Aadhaar number (12 digits) or Virtual ID (16 digits)') }),
      responses: {
        201: {
          description: 'OTP sent',
          schema: z.object({
            provider: z.string(),
            transactionId: z.string(),
            redirectUrl: z.string().describe("the provider's consent page"),
            expiresAt: z.string(),
            otpSentTo: z.string().optional().describe('the masked mobile number the OTP went to'),
            signing: z.object({ purpose: z.string(), round: z.number(), sha256: z.string() }).describe('what the eSign signs'),
          }),
        },
      },
      handler: async ({ params, body, principal, res }) => {
        const app = await loadOwned(deps, principal!, params.id);
        const state = await call(() => deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId).query(stateQuery));
        const started = await startFileESign(deps.orm.em.fork(), await identitySetupFor(deps)(), {
          file: app,
          userId: principal!.sub,
          status: state.status,
          awaited: state.signing,
          aadhaarId: body.aadhaarId,
        });
        res.status(201);
        return started;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/signature',
      operationId: 'signApplication',
      summary: 'Sign what the workflow is waiting for (the submission, or a deficiency response): with your DSC or by Aadhaar eSign',
      description:
        '`"method": "dsc"` (the default): a detached CMS/PKCS#7 signature (base64 DER) over the bytes of the current signing payload, made with your registered DSC ' +
        '(`npx tsx scripts/sign.ts --p12 token.p12 --in payload.bin`); every DSC rule is checked. ' +
        '`"method": "esign"`: the OTP of the Aadhaar eSign started with `POST …/esign` (`transactionId` names it; your latest for this file otherwise); the provider ' +
        "returns its signature, which is verified (an accepted eSign provider, the content) and the identity-matching threshold is applied to the name in your Aadhaar record. " +
        'The same file workflow step either way; the signed version records the method. A retry of an eSign the provider has signed sends the same signature again (no second OTP).',
      tags: ['application workflow'],
      auth: ['exporter'],
      params: idParam,
      body: z
        .object({
          method: z.enum(['dsc', 'esign']).default('dsc'),
          signatureB64: z.string().min(16).max(200_000).optional().describe('method dsc: the detached CMS signature, base64'),
          otp: z.string().regex(/^\d{4,8}$/, 'the OTP is 4 to 8 digits').optional().describe('method esign: the OTP sent to the Aadhaar-linked mobile'),
          transactionId: z.string().min(1).max(100).optional().describe('method esign: the eSign started with POST …/esign (default: your latest for this file)'),
        })
        .superRefine((b, ctx) => {
          if (b.method === 'dsc' && !b.signatureB64) ctx.addIssue({ code: 'custom', path: ['signatureB64'], message: 'a DSC signature (detached CMS, base64) is required with method dsc' });
          if (b.method === 'dsc' && (b.otp || b.transactionId)) ctx.addIssue({ code: 'custom', path: ['otp'], message: 'an OTP belongs to method esign' });
          if (b.method === 'esign' && !b.otp && !b.signatureB64) ctx.addIssue({ code: 'custom', path: ['otp'], message: 'the OTP of the eSign started with POST …/esign is required with method esign' });
        }),
      responses: { 200: { description: 'signature accepted', schema: z.object({ sha256: z.string(), status: z.string(), method: z.enum(['dsc', 'esign']) }) } },
      handler: async ({ params, body, principal, req }) => {
        const app = await loadOwned(deps, principal!, params.id);
        const handle = deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId);
        let signatureB64 = body.signatureB64!;
        if (body.method === 'esign' && body.otp) {
          // the provider signs with the OTP; its signature then takes the DSC's path through the workflow
          const state = await call(() => handle.query(stateQuery));
          const done = await completeFileESign(deps.orm.em.fork(), await identitySetupFor(deps)(), {
            file: app,
            userId: principal!.sub,
            status: state.status,
            awaited: state.signing,
            transactionId: body.transactionId,
            otp: body.otp,
          });
          signatureB64 = done.signatureB64;
        }
        const id = updateId(req, 'sign');
        const r = await call(() =>
          handle.executeUpdate(signUpdate, { args: [{ signerId: principal!.sub, method: body.method, signatureB64, channel: 'api' }], ...(id ? { updateId: id } : {}) }),
        );
        const state = await call(() => handle.query(stateQuery));
        return { sha256: r.sha256, status: state.status, method: body.method };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/payment',
      operationId: 'payApplicationFee',
      summary: 'Pay the fee: open a gateway checkout, or pay from your e-wallet at the office',
      tags: ['application workflow'],
      auth: ['exporter'],
      params: idParam,
      body: z.object({ method: z.enum(['gateway', 'ewallet']) }),
      responses: {
        200: {
          description: 'payment state',
          schema: z.object({ method: z.string(), orderId: z.string(), status: z.string(), checkoutUrl: z.string().optional() }).loose(),
        },
      },
      handler: async ({ params, body, principal, req }) => {
        const app = await loadOwned(deps, principal!, params.id);
        const id = updateId(req, 'pay');
        return call(() =>
          deps.temporal.workflow
            .getHandle(fileWorkflowOf(app).workflowId)
            .executeUpdate(startPaymentUpdate, { args: [{ method: body.method, actor: { id: principal!.sub, name: principal!.name, channel: 'api' } }], ...(id ? { updateId: id } : {}) }),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/payments/callback',
      operationId: 'paymentGatewayCallback',
      summary: "The payment gateway's server-to-server callback (checksum verified with the office's merchant key)",
      description: 'For a fee or an e-wallet top-up. Idempotent: a callback delivered twice records the payment once (a top-up credits the wallet once).',
      tags: ['payments'],
      auth: 'public',
      body: z.object({
        merchantId: z.string().min(1).max(64),
        orderId: z.string().min(1).max(64),
        status: z.enum(['SUCCESS', 'FAILED']),
        gatewayTxnId: z.string().min(1).max(80),
        amountPaise: z.number().int().nonnegative(),
        checksum: z.string().min(1).max(128),
      }),
      responses: { 200: { description: 'received', schema: z.object({ received: z.literal(true) }) } },
      handler: async ({ body }) => {
        const em = deps.orm.em.fork();
        const payment = await em.findOne(PaymentRow, { orderId: body.orderId });
        // an order is a fee's (payment) or an e-wallet top-up's (wallet_topup)
        const topUp = payment ? null : await em.findOne(WalletTopupRow, { orderId: body.orderId });
        if (!payment && !topUp) throw new AppError(ErrorCode.NotFound, `Order ${body.orderId} is not known.`);
        const creds = await createGatewayCredentialSource({ em: () => deps.orm.em.fork(), reference: () => loadReferenceIndex(deps.orm.em.fork()), keys: deps.config.temporal.codec }).credentialsFor((payment ?? topUp)!.officeCode);
        if (creds.merchantId !== body.merchantId || !verifyCallbackChecksum(creds.checksumKey, body)) {
          throw new AppError(ErrorCode.ChecksumInvalid, 'The checksum does not match: the callback was not sent by the gateway, or was altered.');
        }
        if (topUp) {
          await em.getConnection().execute('update wallet_topup set callbacks_received = callbacks_received + 1 where order_id = ?', [body.orderId]);
          await settleTopUp(em, { ...body, via: 'callback' });
          return { received: true as const };
        }
        await em.getConnection().execute('update payment set callbacks_received = callbacks_received + 1 where order_id = ?', [body.orderId]);
        const app = await em.findOneOrFail(ApplicationRow, { id: payment!.applicationId });
        await call(() =>
          deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId).signal(paymentCallbackSignal, {
            orderId: body.orderId,
            status: body.status,
            gatewayTxnId: body.gatewayTxnId,
            amountPaise: body.amountPaise,
          }),
        );
        return { received: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/tax-invoice',
      operationId: 'getTaxInvoice',
      summary: 'The tax invoice / receipt of the fee paid',
      description:
        'The invoice as data: its number, the lines charged and, for invoices issued with their full GST breakdown, the whole printed document ' +
        '(supplier and recipient GSTINs, place of supply, SAC, CGST/SGST or IGST per line). `pdf.url` downloads the invoice copy.',
      tags: ['payments'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      params: idParam,
      responses: {
        200: {
          description: 'tax invoice',
          schema: z
            .object({
              number: z.string(),
              totalPaise: z.number(),
              lines: z.array(z.object({ description: z.string(), amountPaise: z.number() })),
              document: z.record(z.string(), z.unknown()).nullable(),
              pdf: z.object({ ready: z.boolean(), url: z.string(), sha256: z.string().nullable(), sealedBy: z.string().nullable() }),
            })
            .loose(),
        },
      },
      handler: async ({ params, principal }) => {
        const app = await loadVisible(deps, principal!, params.id);
        const inv = await deps.orm.em.fork().findOne(TaxInvoiceRow, { applicationId: app.id });
        if (!inv) throw new AppError(ErrorCode.NotFound, `No tax invoice yet: application ${app.number} is ${app.status}.`);
        return {
          number: inv.number,
          applicationNumber: app.number,
          iec: inv.iec,
          office: inv.officeCode,
          supplyType: inv.supplyType,
          lines: inv.lines,
          totalPaise: Number(inv.totalPaise),
          issuedAt: inv.issuedAt.toISOString(),
          document: inv.document ?? null,
          pdf: { ready: !!inv.pdfSha256, url: `/v1/applications/${app.id}/tax-invoice/pdf`, sha256: inv.pdfSha256 ?? null, sealedBy: inv.sealedBy ?? null },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/tax-invoice/pdf',
      operationId: 'downloadTaxInvoicePdf',
      summary: 'Download the tax invoice copy (PDF, e-sealed by the office)',
      description:
        'The invoice drawn and sealed once, when the fee was paid; every download returns the same bytes (ETag and Repr-Digest carry their SHA-256). ' +
        '409 in the moment between payment and the drawn invoice; 404 for an invoice issued without its breakdown.',
      tags: ['payments'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      params: idParam,
      responses: {
        200: { description: 'the tax invoice', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' },
        304: { description: 'not modified (If-None-Match)' },
        404: { description: 'no invoice, or no PDF of it' },
        409: { description: 'the PDF is not drawn yet' },
      },
      handler: async ({ req, res, params, principal }) => {
        const app = await loadVisible(deps, principal!, params.id);
        const m = deps.orm.em.fork();
        const inv = await m.findOne(TaxInvoiceRow, { applicationId: app.id });
        if (!inv) throw new AppError(ErrorCode.NotFound, `No tax invoice yet: application ${app.number} is ${app.status}.`);
        if (!inv.pdfSha256) {
          if (inv.document === null && Date.now() - inv.issuedAt.getTime() > 60_000) {
            throw new AppError(ErrorCode.NotFound, `Tax invoice ${inv.number} was issued without its GST breakdown and has no PDF; its lines are at /v1/applications/${app.id}/tax-invoice.`);
          }
          res.setHeader('Retry-After', '5');
          throw new AppError(ErrorCode.Conflict, `Tax invoice ${inv.number} is being drawn. Try again in a few seconds.`);
        }
        return sendStoredPdf(req, res, {
          sha256: inv.pdfSha256,
          filename: `tax-invoice-${inv.number.replace(/\//g, '-')}.pdf`,
          bytes: async () => {
            await m.populate(inv, ['pdf']);
            return inv.pdf as Uint8Array;
          },
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/certificate/signing',
      operationId: 'getCertificateSigningRequest',
      summary: 'What the approving officer signs, where the office signs certificates with the officer\'s DSC',
      description:
        'The certificate is drawn at approval with an empty signature field; `contentB64` is every byte of it but that field. ' +
        'Sign it with your registered DSC (a detached CMS, as for any signing request: `npx tsx scripts/sign.ts --p12 token.p12 --in content.bin`) ' +
        'and send the signature to POST …/certificate/signature.',
      tags: ['officer decisions'],
      auth: ['officer'],
      params: idParam,
      responses: {
        200: {
          description: 'the signing request',
          schema: z.object({ certificateNumber: z.string(), contentB64: z.string(), contentSha256: z.string(), signer: z.object({ id: z.string(), name: z.string() }), requestedAt: z.string() }),
        },
        409: { description: 'no certificate of this file is waiting for a signature' },
      },
      handler: async ({ params, principal }) => {
        const app = await loadVisible(deps, await officerOnDuty(deps.orm.em.fork(), principal!), params.id);
        const state = await call(() => deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId).query(stateQuery));
        const pending = state.certificateSigning;
        if (!pending) throw new AppError(ErrorCode.Conflict, `No certificate of file ${app.fileNumber ?? app.number} is waiting for a signature: the file is ${state.status}.`);
        const cert = await deps.orm.em.fork().findOneOrFail(CertificateRow, { number: pending.certificateNumber }, { populate: ['preparedPdf'] });
        const content = await externalSigningContent(Buffer.from(cert.preparedPdf as Uint8Array));
        return {
          certificateNumber: pending.certificateNumber,
          contentB64: content.toString('base64'),
          contentSha256: pending.contentSha256,
          signer: { id: pending.signer.id, name: pending.signer.name },
          requestedAt: pending.requestedAt,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/certificate/signature',
      operationId: 'signCertificate',
      summary: 'Sign the approved certificate with your DSC (the approving officer, where the office signs that way)',
      description: 'Every DSC rule is checked (registered to you, active, from a trusted CA, valid now); then the signature goes into the PDF and the file is Approved.',
      tags: ['officer decisions'],
      auth: ['officer'],
      params: idParam,
      body: z.object({ signatureB64: z.string().min(16).max(200_000) }),
      responses: { 200: { description: 'signed and issued', schema: z.object({ sha256: z.string(), status: z.string() }) } },
      handler: async ({ params, body, principal, req }) => {
        const app = await loadVisible(deps, await officerOnDuty(deps.orm.em.fork(), principal!), params.id);
        const handle = deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId);
        const id = updateId(req, 'sign-certificate');
        const r = await call(() =>
          handle.executeUpdate(signCertificateUpdate, { args: [{ signerId: principal!.sub, signatureB64: body.signatureB64, channel: 'api' }], ...(id ? { updateId: id } : {}) }),
        );
        const state = await call(() => handle.query(stateQuery));
        return { sha256: r.sha256, status: state.status };
      },
    }),
    ...(['approve', 'deficiency', 'reject'] as const).map((kind) =>
      defineRoute({
        method: 'post',
        path: `/v1/applications/:id/decisions/${kind}`,
        operationId: kind === 'approve' ? 'approveApplication' : kind === 'reject' ? 'rejectApplication' : 'raiseDeficiency',
        summary:
          kind === 'approve'
            ? 'Approve a file In-Process (officer of its office): the certificate is issued'
            : kind === 'reject'
              ? 'Reject a file In-Process, with the reason the exporter will read'
              : 'Raise a deficiency: remarks and documents asked for; the exporter answers by editing or clarifying',
        description: 'Refused with 409 and the name of who decided when the file was already decided (a second click, or another officer first).',
        tags: ['officer decisions'],
        auth: ['officer'],
        params: idParam,
        ...((kind === 'deficiency'
          ? { body: z.object({ remarks: z.string().min(1).max(4000), documentsRequested: z.array(z.string().min(1).max(200)).max(20).default([]) }) }
          : kind === 'reject'
            ? { body: z.object({ reason: z.string().min(1).max(4000) }) }
            : { body: approveBody }) as { body?: z.ZodType }),
        responses: { 200: { description: 'the new state', schema: stateSchema } },
        handler: async ({ params, body, principal, req }) => {
          // the staff table decides, not the token: an inactive or unknown officer is refused, the row's office wins
          const onDuty = await officerOnDuty(deps.orm.em.fork(), principal!);
          const app = await loadVisible(deps, onDuty, params.id);
          const handle = deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId);
          const officer = officerRef(onDuty);
          const id = updateId(req, kind);
          // a repeat gets the first answer, also once the workflow has completed (kept in the database)
          const scope = id ? `application/${app.id}/${principal!.sub}/${id}` : undefined;
          const kept = scope ? await answers.find(scope) : null;
          if (kept && !kept.reserved) return kept.body as ApplicationState;
          const opts = id ? { updateId: id } : {};
          const b = body as { remarks?: string; documentsRequested?: string[]; reason?: string; declineAttestation?: AttestationDecline[] } | undefined;
          const declineAttestation = kind === 'approve' ? (b?.declineAttestation ?? []) : [];
          if (declineAttestation.length > 0) {
            const problems = attestationChoiceProblems(declineAttestation, markedForAttestation(app.tabs as never));
            if (problems.length) throw new AppError(ErrorCode.ValidationFailed, problems.map((p) => p.message).join(' '), { problems });
          }
          let state: ApplicationState;
          try {
            state = await call(() =>
              kind === 'approve'
                ? handle.executeUpdate(approveUpdate, { args: [{ ...officer, ...(declineAttestation.length ? { declineAttestation } : {}) }], ...opts })
                : kind === 'reject'
                  ? handle.executeUpdate(rejectUpdate, { args: [{ ...officer, reason: b!.reason! }], ...opts })
                  : handle.executeUpdate(raiseDeficiencyUpdate, { args: [{ ...officer, remarks: b!.remarks!, documentsRequested: b!.documentsRequested ?? [] }], ...opts }),
            );
          } catch (e) {
            // the workflow has finished: say what became of the file, by whom and when
            if (e instanceof AppError && e.code === ErrorCode.Conflict) throw (await answers.finishedFileRefusal(app.id)) ?? e;
            throw e;
          }
          if (scope) await answers.keep(scope, 200, state);
          return state;
        },
      }),
    ),
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/deficiency-response/attachments',
      operationId: 'uploadDeficiencyResponseFile',
      summary: 'Upload a file for a deficiency response (raw bytes; at most 5 files of 5 MB, PDF/JPG/XLS/XLSX)',
      tags: ['application workflow'],
      auth: ['exporter'],
      params: idParam,
      query: z.object({ fileName: z.string().min(1).max(200), documentType: z.enum(ATTACHMENT_DOCUMENT_TYPES).default('other') }),
      rawBody: {
        contentTypes: ['application/pdf', 'image/jpeg', 'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'],
        description: 'The file itself; its type is detected from the content (PDF, JPG, XLS, XLSX), not from the name or Content-Type.',
      },
      responses: { 201: { description: 'stored', schema: z.object({ id: z.string(), fileName: z.string(), contentType: z.string(), sizeBytes: z.number(), sha256: z.string() }) } },
      handler: async ({ params, query, principal, req, res }) => {
        const app = await loadOwned(deps, principal!, params.id);
        if (app.status !== 'Deficient') throw new AppError(ErrorCode.IllegalTransition, `File ${app.fileNumber ?? app.number} is ${app.status}: files for a deficiency response are taken only while it is Deficient.`);
        let bytes: Buffer;
        try {
          bytes = await readRawBody(req, res, DEFICIENCY_RESPONSE_POLICY.maxBytes + 1);
        } catch (e) {
          if (e instanceof BodyTooLarge) throw new AppError(ErrorCode.AttachmentRejected, `${query.fileName} is larger than 5 MB: a deficiency response file can be at most 5 MB.`, { status: 413 });
          throw e;
        }
        const inspected = inspectUpload({ fileName: query.fileName, bytes }, DEFICIENCY_RESPONSE_POLICY, 'body');
        if (!inspected.ok) throw new AppError(ErrorCode.AttachmentRejected, inspected.problems.map((p) => p.message).join('; '), { problems: inspected.problems });
        const em = deps.orm.em.fork();
        const count = await em.count(AttachmentRow, { applicationId: app.id, purpose: 'deficiency-response', round: app.deficiencyRound });
        if (count >= DEFICIENCY_RESPONSE_POLICY.maxFiles) {
          throw new AppError(ErrorCode.AttachmentRejected, `A deficiency response can carry at most ${DEFICIENCY_RESPONSE_POLICY.maxFiles} files; ${count} are already uploaded for round ${app.deficiencyRound}.`);
        }
        const row = em.create(AttachmentRow, {
          id: crypto.randomUUID(),
          applicationId: app.id,
          purpose: 'deficiency-response',
          round: app.deficiencyRound,
          documentType: query.documentType,
          fileName: inspected.safeName,
          contentType: inspected.type,
          sizeBytes: inspected.sizeBytes,
          sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
          content: bytes,
          uploadedBy: principal!.sub,
          // shown to the officer only once a signed response carries it (services/application/signed-version.ts)
          submitted: false,
        });
        await em.flush();
        res.status(201);
        return { id: row.id, fileName: row.fileName, contentType: row.contentType, sizeBytes: row.sizeBytes, sha256: row.sha256 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/deficiency-response',
      operationId: 'prepareDeficiencyResponse',
      summary: 'Answer a deficiency: "edit" (Yes: you changed the application) or "clarification" (No: text and files); returns what to sign',
      description:
        'Then sign the returned payload with `POST …/signature` (your DSC), or by Aadhaar eSign (`POST …/esign`, then `POST …/signature` with the OTP); ' +
        'the file goes back to the officer once the signature is verified.',
      tags: ['application workflow'],
      auth: ['exporter'],
      params: idParam,
      body: z.object({
        kind: z.enum(['edit', 'clarification']),
        clarification: z.string().max(8000).optional(),
        attachmentIds: z.array(z.string().max(40)).max(5).optional(),
      }),
      responses: { 200: { description: 'the payload to sign', schema: signingPayload } },
      handler: async ({ params, body, principal }) => {
        const app = await loadOwned(deps, principal!, params.id);
        return call(() =>
          deps.temporal.workflow.getHandle(fileWorkflowOf(app).workflowId).executeUpdate(prepareDeficiencyResponseUpdate, {
            args: [{ kind: body.kind, ...(body.clarification !== undefined ? { clarification: body.clarification } : {}), ...(body.attachmentIds ? { attachmentIds: body.attachmentIds } : {}), actor: { id: principal!.sub, name: principal!.name, channel: 'api' } }],
          }),
        );
      },
    }),
  ];
}
