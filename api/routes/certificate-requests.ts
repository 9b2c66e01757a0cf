import { z } from 'zod';
import { ApplicationRow } from '../../db/entities/index.js';
import { APPLICATION_ATTACHMENT_POLICY } from '../../domain/application/check-upload.js';
import { REQUEST_KINDS } from '../../domain/certificate/life.js';
import {
  certificateRequestView,
  createCertificateRequest,
  uploadSupportingDocument,
} from '../../services/application/certificate-requests.js';
import { fileWorkflowOf } from '../../workflows/certificate-request/contract.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { PREVIEW_WATERMARK, renderPreview } from '../../services/certificate/preview.js';
import type { ApiDeps } from '../deps.js';
import { applicationNotFound, canSee, exporterIec, isOwner } from '../drafts/access.js';
import { readUpload } from '../drafts/attachments.js';
import { defineRoute } from '../http/route.js';
import { sendDrawnPdf } from '../http/stored-pdf.js';

/**
 * Requests for a duplicate or a certificate in lieu of an issued one (issue 11; seed 001 "Apply for
 * Duplicate/In-lieu Certificate"). Creating, reading and attaching the supporting document live here;
 * from then on a request is a file like an application and every file operation applies to it by its id:
 * its tabs (an in-lieu request corrects them), `…/validation`, `…/submit` (which starts its workflow,
 * `coo-certificate-request/<number>`), `…/signature`, `…/payment`, the officers' decisions (a deficiency
 * on a request is its discrepancy), `…/deficiency-response`, `…/tax-invoice` and `…/certificate`.
 * The lists (Submitted, Pending Payment, Discrepancy, the officers' queue) are `GET /v1/certificate-requests`.
 */

const idParam = z.object({ id: z.string().min(1).max(40).describe('Request id or number') });
const change = z.object({ path: z.string(), tab: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });
const requestSchema = z.object({
  id: z.string(),
  number: z.string().describe('DRAFTCOODUPL…: the request number; its workflow is coo-certificate-request/<number>'),
  kind: z.enum(REQUEST_KINDS),
  status: z.string().describe('the file status (Deficient: a discrepancy to answer)'),
  fileNumber: z.string().nullable(),
  originalCertificateNumber: z.string(),
  reason: z.string(),
  iec: z.string(),
  agencyCode: z.string().nullable(),
  officeCode: z.string().nullable(),
  agreementCode: z.string().nullable(),
  feeTotalPaise: z.number().nullable(),
  certificateNumber: z.string().nullable().describe('the new certificate, once issued'),
  rejectionReason: z.string().nullable(),
  discrepancyRound: z.number().int(),
  supportingDocuments: z.array(z.object({ id: z.string(), fileName: z.string(), contentType: z.string(), sizeBytes: z.number(), sha256: z.string() })),
  changes: z.array(change).describe('in lieu: every corrected field, the original value and the new one'),
  workflowId: z.string(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  statusChangedAt: z.string(),
});

export function certificateRequestRoutes(deps: ApiDeps) {
  const em = () => deps.orm.em.fork();
  const view = async (row: ApplicationRow) => ({ ...(await certificateRequestView(em(), row)), workflowId: fileWorkflowOf(row).workflowId });
  const loadRequest = async (id: string) => {
    const row = await em().findOne(ApplicationRow, { $or: [{ id }, { number: id }], kind: { $ne: 'application' } });
    if (!row) throw applicationNotFound(id);
    return row;
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/certificate-requests',
      operationId: 'createCertificateRequest',
      summary: 'Request a duplicate or a certificate in lieu of an issued certificate of your IEC',
      description:
        'Creates the request as a draft carrying the original certificate\'s content. A **duplicate** (the original lost or damaged) copies it unchanged and leaves the original in force; ' +
        'an **in-lieu** certificate corrects it (save the corrected tabs with `PUT /v1/applications/{id}/tabs/{tab}`, by the application\'s rules) and supersedes the original once issued. ' +
        'Refused: a certificate of another IEC (404), a legacy record (409: request it on the legacy platform), a superseded or cancelled certificate (409), ' +
        'a certificate with an open request (409 naming it). Then attach the supporting document and submit (`POST /v1/applications/{id}/submit`).',
      tags: ['certificate requests'],
      auth: ['exporter'],
      body: z.object({
        certificateNumber: z.string().min(4).max(80).describe('the issued certificate, e.g. EIC/2026/031/0000001A'),
        kind: z.enum(REQUEST_KINDS),
        reason: z.string().trim().min(1, 'Give the reason for the request').max(2000, 'The reason can be at most 2000 characters').describe('Reason/Comments (mandatory)'),
      }),
      responses: {
        201: { description: 'the draft request', schema: requestSchema },
        404: { description: 'no such certificate of your IEC' },
        409: { description: 'legacy record, superseded or cancelled certificate, or an open request already' },
      },
      handler: async ({ body, principal, res }) => {
        const row = await createCertificateRequest(em(), { userId: principal!.sub, iec: exporterIec(principal!) }, body);
        res.status(201).setHeader('Location', `/v1/certificate-requests/${row.id}`);
        return view(row);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/certificate-requests/:id',
      operationId: 'getCertificateRequest',
      summary: 'A request: its kind, status, reason, supporting documents and, in lieu, the field-by-field difference from the original',
      tags: ['certificate requests'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      params: idParam,
      responses: { 200: { description: 'the request', schema: requestSchema }, 404: { description: 'no such request (or not yours to see)' } },
      handler: async ({ params, principal }) => {
        const row = await loadRequest(params.id);
        if (!canSee(principal!, row)) throw applicationNotFound(params.id);
        return view(row);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/certificate-requests/:id/supporting-documents',
      operationId: 'uploadCertificateRequestDocument',
      summary: 'Attach the supporting document of a request (raw bytes in the body)',
      description:
        `The upload rules of attachments: the type detected from the content (${APPLICATION_ATTACHMENT_POLICY.allowed.map((t) => t.toUpperCase()).join(', ')}), ` +
        `at most ${APPLICATION_ATTACHMENT_POLICY.maxBytes / 1024 / 1024} MB and ${APPLICATION_ATTACHMENT_POLICY.maxFiles} files, the name sanitised. While the request is a draft; signed with it.`,
      tags: ['certificate requests'],
      auth: ['exporter'],
      params: idParam,
      query: z.object({ fileName: z.string().min(1, 'fileName is required').max(255, 'fileName can have at most 255 characters') }),
      rawBody: {
        contentTypes: ['application/pdf', 'image/jpeg', 'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'],
        description: 'The file itself, with any Content-Type but JSON; its type is detected from the content.',
      },
      responses: {
        201: { description: 'stored', schema: requestSchema },
        404: { description: 'no such request (or not yours)' },
        409: { description: 'the request is no longer a draft, or too many files' },
        413: { description: 'attachment_rejected: the file is too large' },
      },
      handler: async ({ req, res, params, query, principal }) => {
        const row = await loadRequest(params.id);
        if (!isOwner(principal!, row)) throw applicationNotFound(params.id);
        const bytes = await readUpload(req, res, query.fileName);
        const m = em();
        const fresh = await m.findOneOrFail(ApplicationRow, { id: row.id });
        await uploadSupportingDocument(m, fresh, principal!.sub, { fileName: query.fileName, bytes });
        res.status(201);
        return view(fresh);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/certificate-requests/:id/preview.pdf',
      operationId: 'previewCertificateRequest',
      summary: 'Preview the certificate the request would be issued as (seed 001 "PREVIEW CERTIFICATE"), before paying',
      description:
        'The agreement\'s layout with the content the request carries (an in-lieu request\'s corrections included), the number it would get and its DUPLICATE / IN LIEU mark, ' +
        `"${PREVIEW_WATERMARK}" across every page; no signature, no stamp, no QR code, no digital signature. Nothing is numbered for it. The same preview as \`GET /v1/applications/{id}/preview.pdf\`.`,
      tags: ['certificate requests'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      params: idParam,
      responses: {
        200: { description: 'the preview', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' },
        404: { description: 'no such request (or not yours to see)' },
      },
      handler: async ({ params, principal, res }) => {
        const row = await loadRequest(params.id);
        if (!canSee(principal!, row)) throw applicationNotFound(params.id);
        const m = em();
        const pdf = await renderPreview(m, await loadReferenceIndex(m), row);
        return sendDrawnPdf(res, `preview-${row.number}.pdf`, pdf);
      },
    }),
  ];
}
