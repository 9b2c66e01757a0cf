import { sendStoredPdf } from '../http/stored-pdf.js';
import type { Request } from 'express';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { createKeptAnswerService } from '../../services/application/kept-answers.js';
import { createCertificateCancellationService, type CancellationActor } from '../../services/certificate/cancel-certificate.js';
import { OutboxNotifier } from '../../services/notification/notifier.js';
import { identitySetupFor } from './identity-support.js';
import { ApplicationRow, AttestedDocumentRow, CertificateRow } from '../../db/entities/index.js';
import { listAttestedDocuments } from '../../services/certificate/attested-documents.js';
import type { StoredCertificateDocument } from '../../services/certificate/certificate-document.js';
import { publicHistory } from '../../services/certificate/public-history.js';
import { loadCertificateRecord } from '../../services/certificate/live-record.js';
import { describeLiveStatus } from '../../domain/certificate/live-status.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { verificationUrl } from '../../services/certificate/qr-payload.js';
import { normaliseCertificateNumber } from '../../domain/numbering/certificate-number.js';
import type { Principal } from '../../lib/auth/roles.js';
import { ROLES } from '../../lib/auth/roles.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { ApiDeps } from '../deps.js';
import { applicationNotFound, canSee } from '../drafts/access.js';
import { defineRoute } from '../http/route.js';

/**
 * The issued certificate for the people who may see its application (the exporter of the IEC, the
 * officers of the office, the agency's administrators, helpdesk and platform staff): its record and
 * its signed PDF.
 *
 * Certificate numbers contain "/" (EIC/2026/031/0000001A). In a path they are percent-encoded as one
 * segment (`/v1/certificates/EIC%2F2026%2F031%2F0000001A/pdf`, what encodeURIComponent gives and what
 * OpenAPI clients send); the public verification takes them in the query string (`/verify?no=…`, as the
 * QR code), where "/" needs no encoding. The metadata returns both links ready to use.
 */

/** The path of a certificate's PDF. */
export function certificatePdfPath(number: string): string {
  return `/v1/certificates/${encodeURIComponent(number)}/pdf`;
}

const numberParam = z.object({
  number: z
    .string()
    .min(4)
    .max(80)
    .describe('The certificate number with "/" percent-encoded as %2F, e.g. EIC%2F2026%2F031%2F0000001A (spaces and case are forgiven)'),
});
const idParam = z.object({ id: z.string().min(1).max(40).describe('Application id or number') });

const historyEvent = z.object({
  at: z.string(),
  type: z.string(),
  description: z.string(),
  relatedCertificateNumber: z.string().optional(),
  actor: z.string().optional(),
});
const metadataSchema = z.object({
  certificateNumber: z.string(),
  applicationId: z.string(),
  applicationNumber: z.string(),
  fileNumber: z.string().nullable(),
  kind: z.string().describe('original, duplicate or in-lieu'),
  originalNumber: z.string().nullable().describe('a duplicate or in-lieu certificate: the certificate it was issued from'),
  status: z.string().describe('issued, superseded or cancelled'),
  valid: z.boolean().describe('true only while the certificate is in force'),
  statusText: z.string(),
  statusDetails: z.array(z.string()).describe('the same sentences as the public verification: superseded by / cancelled on … — reason, duplicate of / in lieu of, its duplicates'),
  supersededBy: z.string().nullable().describe('status superseded: the in-lieu certificate that replaced it'),
  statusChangedAt: z.string().nullable().describe('when it stopped being issued (superseded or cancelled)'),
  statusChangedBy: z.string().nullable().describe('who: "<id> (<name>)"'),
  statusReason: z.string().nullable(),
  duplicates: z.array(z.object({ certificateNumber: z.string(), kind: z.string(), issueDate: z.string(), verificationUrl: z.string().optional() })),
  issuedAt: z.string(),
  issuedBy: z.string().describe('id of the approving officer'),
  iec: z.string(),
  agreementCode: z.string(),
  agencyCode: z.string(),
  officeCode: z.string(),
  pdf: z.object({
    ready: z.boolean().describe('false for the few seconds between approval and the signed PDF'),
    url: z.string(),
    sha256: z.string().nullable(),
    sizeBytes: z.number().nullable(),
    signedBy: z.object({ commonName: z.string(), serialNumber: z.string(), organization: z.string().optional() }).optional(),
    signedAt: z.string().optional(),
    pageCount: z.number().optional(),
  }),
  verificationUrl: z.string().describe('the link in the QR code: opens the public verification without a captcha'),
  attestedDocumentsUrl: z.string().describe('the attested copies of the attachments marked "Attest", and those declined with the remark'),
  history: z.array(historyEvent),
});

const attestedDocumentSchema = z.object({
  id: z.string().describe('the attachment id; the attested copy downloads at …/attested-documents/{id}.pdf'),
  fileName: z.string(),
  documentType: z.string(),
  status: z.enum(['attested', 'declined']),
  remark: z.string().nullable().describe('declined: why, by the officer (or by the system for a file that cannot be reproduced as a copy)'),
  decidedBy: z.string().describe('"<officer id> (<name>)", or "system"'),
  pdf: z
    .object({ url: z.string(), sha256: z.string(), pageCount: z.number(), appendedPage: z.boolean().describe('the attestation block is on a page added after the document') })
    .nullable(),
});
const docParams = numberParam.extend({ docId: z.string().min(1).max(64).describe('the attested document id (its attachment id)') });

const cancellationBody = z.object({
  reason: z.string().trim().min(3).max(2000).describe('why the certificate is cancelled: shown on its public verification and sent to the exporter'),
});
const cancelBody = cancellationBody.extend({
  signatureB64: z.string().min(16).max(200_000).describe('detached CMS/PKCS#7 signature (DER as base64, or PEM) over contentB64 of the cancellation payload, by your registered DSC'),
});
const cancellationView = z.object({
  certificateNumber: z.string(),
  status: z.literal('cancelled'),
  statusChangedAt: z.string(),
  statusChangedBy: z.string().describe('"<id> (<name>)"'),
  statusReason: z.string(),
  signedBy: z.object({ name: z.string(), serialNumber: z.string() }),
  exporterNotified: z.boolean().describe("the exporter was told by e-mail (to the IEC's registered address)"),
});

/** The Idempotency-Key of a request, when well formed. */
function idempotencyKey(req: Request): string | undefined {
  const k = req.headers['idempotency-key'];
  return typeof k === 'string' && /^[\w.:-]{8,100}$/.test(k) ? k : undefined;
}

const actorOf = (p: Principal): CancellationActor => ({ id: p.sub, name: p.name, roles: p.roles, officeCode: p.officeCode, agencyCode: p.agencyCode });

const cancellations = new WeakMap<ApiDeps, ReturnType<typeof createCertificateCancellationService>>();
/** One per API: the outbox notifier over the configured SMTP server (or kept in the outbox, as the worker does without one). */
function cancellationService(deps: ApiDeps) {
  let s = cancellations.get(deps);
  if (!s) {
    const em = () => deps.orm.em.fork();
    const mailer = deps.config.mail.smtpUrl ? nodemailer.createTransport(deps.config.mail.smtpUrl) : nodemailer.createTransport({ jsonTransport: true });
    s = createCertificateCancellationService({
      em,
      identity: identitySetupFor(deps),
      reference: () => loadReferenceIndex(em()),
      notifier: new OutboxNotifier({ em, mailer, from: deps.config.mail.from }),
      mail: () => ({ platformName: 'CoO Trade Connect', portalUrl: deps.config.api.publicBaseUrl, helpdeskAddress: deps.config.mail.helpdeskAddress }),
      publicBaseUrl: () => deps.config.api.publicBaseUrl,
      onNotifyError: (e, number) => deps.logger.warn({ err: e, certificateNumber: number }, 'the e-mail telling the exporter of the cancellation could not be sent; it stays in the outbox'),
    });
    cancellations.set(deps, s);
  }
  return s;
}

function visibleTo(p: Principal, row: CertificateRow): boolean {
  // a certificate exists only for an approved file: officers of its office see it like the file
  return canSee(p, { iec: row.iec, officeCode: row.officeCode, agencyCode: row.agencyCode, status: 'Approved' });
}

export function certificateRoutes(deps: ApiDeps) {
  const em = () => deps.orm.em.fork();
  const base = () => deps.config.api.publicBaseUrl;
  const answers = createKeptAnswerService({ em });

  return [
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/certificate',
      operationId: 'getApplicationCertificate',
      summary: "The application's certificate: number, status, signature, download and verification links, live record",
      tags: ['certificates'],
      auth: [...ROLES],
      params: idParam,
      responses: { 200: { description: 'the certificate', schema: metadataSchema }, 404: { description: 'no such application, or no certificate yet' } },
      handler: async ({ params, principal }) => {
        const m = em();
        const app = await m.findOne(ApplicationRow, { $or: [{ id: params.id }, { number: params.id }] });
        if (!app || !canSee(principal!, app)) throw applicationNotFound(params.id);
        const row = await m.findOne(CertificateRow, { applicationId: app.id });
        if (!row) throw new AppError(ErrorCode.NotFound, `File ${app.fileNumber ?? app.number} has no certificate yet: it is ${app.status}.`);
        const stored = row.document as unknown as StoredCertificateDocument;
        const record = await loadCertificateRecord(m, () => loadReferenceIndex(m), row, base());
        const live = describeLiveStatus(record);
        const size = (await m.getConnection().execute<{ size: number | null }[]>('select octet_length(pdf) as size from certificate where number = ?', [row.number]))[0]?.size;
        const signature = stored.signature;
        return {
          certificateNumber: row.number,
          applicationId: app.id,
          applicationNumber: app.number,
          fileNumber: app.fileNumber ?? null,
          kind: row.kind,
          originalNumber: row.originalNumber ?? null,
          status: row.status,
          valid: live.valid,
          statusText: live.title,
          statusDetails: live.lines.map((l) => l.text),
          supersededBy: row.supersededBy ?? null,
          statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
          statusChangedBy: row.statusChangedBy ?? null,
          statusReason: row.statusReason ?? null,
          duplicates: record.duplicates ?? [],
          issuedAt: row.issuedAt.toISOString(),
          issuedBy: row.issuedBy,
          iec: row.iec,
          agreementCode: row.agreementCode,
          agencyCode: row.agencyCode,
          officeCode: row.officeCode,
          pdf: {
            ready: !!row.pdfSha256,
            url: `${base()}${certificatePdfPath(row.number)}`,
            sha256: row.pdfSha256 ?? null,
            sizeBytes: size === null || size === undefined ? null : Number(size),
            ...(signature
              ? {
                  signedBy: { commonName: signature.commonName, serialNumber: signature.serialNumber, ...(signature.organization ? { organization: signature.organization } : {}) },
                  signedAt: signature.signedAt,
                  pageCount: signature.pageCount,
                }
              : {}),
          },
          verificationUrl: verificationUrl(base(), row.number, row.verificationToken),
          attestedDocumentsUrl: `${base()}/v1/certificates/${encodeURIComponent(row.number)}/attested-documents`,
          history: publicHistory(row.history, stored.certificate?.certification.officeName ?? row.officeCode),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/certificates/:number/pdf',
      operationId: 'downloadCertificatePdf',
      summary: 'Download the signed certificate (the "Electronic Copy" PDF)',
      description:
        'For the exporter of the IEC, the officers of the issuing office, the agency administrators, helpdesk and platform staff; ' +
        'anyone else gets 404, as for an unknown number. The number goes in the path percent-encoded ("/" as %2F). ' +
        'The ETag and Repr-Digest headers carry the SHA-256 recorded at issuance (also shown on the public verification page). ' +
        '409 in the few seconds between approval and the signed PDF.',
      tags: ['certificates'],
      auth: [...ROLES],
      params: numberParam,
      responses: {
        200: { description: 'the signed PDF', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' },
        304: { description: 'not modified (If-None-Match)' },
        404: { description: 'not found' },
        409: { description: 'the PDF is not signed yet' },
      },
      handler: async ({ req, res, params, principal }) => {
        const number = normaliseCertificateNumber(params.number);
        const m = em();
        const row = await m.findOne(CertificateRow, { number });
        if (!row || !visibleTo(principal!, row)) throw new AppError(ErrorCode.NotFound, `Certificate ${number} was not found.`);
        if (!row.pdfSha256) {
          res.setHeader('Retry-After', '5');
          throw new AppError(ErrorCode.Conflict, `The signed PDF of certificate ${number} is not ready yet: it is made right after approval. Try again in a few seconds.`);
        }
        return sendStoredPdf(req, res, {
          sha256: row.pdfSha256,
          filename: `certificate-${number.replace(/\//g, '-')}.pdf`,
          bytes: async () => {
            await m.populate(row, ['pdf']);
            return row.pdf as Uint8Array;
          },
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/certificates/:number/attested-documents',
      operationId: 'listAttestedDocuments',
      summary: 'The attested documents of a certificate: the attachments marked "Attest", each attested (with its download) or declined with the remark',
      description:
        'Made at issuance, with the certificate: each attested copy is the document with the attestation block (office stamp, the officer\'s name and signature, date, certificate number, "Attested copy"), ' +
        'sealed like the certificate. For the same people as the certificate; anyone else gets 404. An empty list: nothing was marked "Attest".',
      tags: ['certificates'],
      auth: [...ROLES],
      params: numberParam,
      responses: {
        200: { description: 'the list', schema: z.object({ certificateNumber: z.string(), items: z.array(attestedDocumentSchema) }) },
        404: { description: 'not found' },
      },
      handler: async ({ params, principal }) => {
        const number = normaliseCertificateNumber(params.number);
        const m = em();
        const row = await m.findOne(CertificateRow, { number });
        if (!row || !visibleTo(principal!, row)) throw new AppError(ErrorCode.NotFound, `Certificate ${number} was not found.`);
        const items = await listAttestedDocuments(m, row.number);
        return {
          certificateNumber: row.number,
          items: items.map(({ pdf, ...d }) => ({ ...d, pdf: pdf ? { url: `${base()}${pdf.path}`, sha256: pdf.sha256, pageCount: pdf.pageCount, appendedPage: pdf.appendedPage } : null })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/certificates/:number/attested-documents/:docId.pdf',
      operationId: 'downloadAttestedDocument',
      summary: 'Download an attested copy (PDF sealed like the certificate)',
      description: 'For the same people as the certificate; anyone else gets 404. A declined document has no copy: 404 with the remark.',
      tags: ['certificates'],
      auth: [...ROLES],
      params: docParams,
      responses: {
        200: { description: 'the sealed PDF', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' },
        304: { description: 'not modified (If-None-Match)' },
        404: { description: 'not found, or declined' },
      },
      handler: async ({ req, res, params, principal }) => {
        const number = normaliseCertificateNumber(params.number);
        const m = em();
        const row = await m.findOne(CertificateRow, { number });
        if (!row || !visibleTo(principal!, row)) throw new AppError(ErrorCode.NotFound, `Certificate ${number} was not found.`);
        const doc = await m.findOne(AttestedDocumentRow, { certificateNumber: row.number, attachmentId: params.docId });
        if (!doc) throw new AppError(ErrorCode.NotFound, `Certificate ${number} has no attested document ${params.docId}.`);
        if (doc.status !== 'attested' || !doc.pdfSha256) throw new AppError(ErrorCode.NotFound, `${doc.fileName} was not attested: ${doc.remark ?? 'declined'}`);
        return sendStoredPdf(req, res, {
          sha256: doc.pdfSha256,
          filename: `attested-${number.replace(/\//g, '-')}-${doc.fileName.replace(/\.[A-Za-z0-9]+$/, '')}.pdf`,
          bytes: async () => {
            await m.populate(doc, ['pdf']);
            return doc.pdf as Uint8Array;
          },
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/certificates/:number/cancellation-payload',
      operationId: 'certificateCancellationPayload',
      summary: 'The bytes to sign to cancel an issued certificate (officer of the issuing office, or agency administrator)',
      description:
        'Deterministic: the canonical JSON of {document: "coo-certificate-cancellation", certificateNumber, reason, officerId}, nothing kept. ' +
        'Sign contentB64 with your registered DSC (scripts/sign.ts) and send the signature with the same reason to POST …/cancel. ' +
        'Refused with 409 for a certificate already cancelled (naming when and by whom), superseded (naming by what) or issued on the legacy platform; 403 for anyone but an officer of the issuing office or an administrator of its agency.',
      tags: ['certificates'],
      auth: ['officer', 'agency-admin'],
      params: numberParam,
      body: cancellationBody,
      responses: {
        200: { description: 'the bytes to sign', schema: z.object({ certificateNumber: z.string(), reason: z.string(), officerId: z.string(), contentB64: z.string(), sha256: z.string() }) },
        403: { description: 'not an officer of the issuing office nor an administrator of its agency' },
        404: { description: 'no such certificate' },
        409: { description: 'already cancelled, superseded, legacy, or not issued yet' },
      },
      handler: async ({ params, body, principal }) =>
        cancellationService(deps).cancellationPayload({ number: normaliseCertificateNumber(params.number), reason: body.reason, actor: actorOf(principal!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/certificates/:number/cancel',
      operationId: 'cancelCertificate',
      summary: 'Cancel an issued certificate: the reason and your DSC signature over the cancellation payload',
      description:
        'The payload is computed again from the number, the reason and you, and the signature checked against your registered, active DSC (every DSC rule, as for signing a certificate). ' +
        'Then, in one transaction, the certificate becomes cancelled (shown at once on its public verification), its history and the audit trail say so; the exporter is told by e-mail. ' +
        'Send Idempotency-Key: a repeat gets the first answer. A second cancellation is refused with 409 naming the first.',
      tags: ['certificates'],
      auth: ['officer', 'agency-admin'],
      params: numberParam,
      body: cancelBody,
      responses: {
        200: { description: 'cancelled', schema: cancellationView },
        403: { description: 'not an officer of the issuing office nor an administrator of its agency' },
        404: { description: 'no such certificate' },
        409: { description: 'already cancelled (when, by whom), superseded (by what), legacy, or not issued yet' },
        422: { description: "the signature is not valid over the payload, or not by the caller's registered DSC (the verifier's own code and message)" },
      },
      handler: async ({ req, params, body, principal }) => {
        const number = normaliseCertificateNumber(params.number);
        const key = idempotencyKey(req);
        const scope = key ? `certificate-cancel/${number}/${principal!.sub}/${key}` : undefined;
        const kept = scope ? await answers.find(scope) : null;
        if (kept && !kept.reserved) return kept.body;
        const view = await cancellationService(deps).cancelCertificate({ number, reason: body.reason, signatureB64: body.signatureB64, actor: actorOf(principal!) });
        if (scope) await answers.keep(scope, 200, view);
        return view;
      },
    }),
  ];
}
