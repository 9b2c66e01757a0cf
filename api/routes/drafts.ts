import { signaturesOf } from '../../services/application/signed-version.js';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { APPLICATION_STATUSES } from '../../db/entities/index.js';
import { APPLICATION_ATTACHMENT_POLICY, CONTENT_TYPES } from '../../domain/application/check-upload.js';
import {
  ApplicationDraftSchema,
  ATTACHMENT_DOCUMENT_TYPES,
  CostSheetSchema,
  DETECTED_FILE_TYPES,
  TAB_IDS,
  TAB_SCHEMAS,
  type DetectedFileType,
  type TabId,
} from '../../domain/application/schemas.js';
import { TAB_LABELS } from '../../domain/application/tab-order.js';
import { ROLES } from '../../lib/auth/roles.js';
import { attachmentView } from '../drafts/attachment-views.js';
import { deleteAttachment, readAttachment, readUpload, uploadAttachment } from '../drafts/attachments.js';
import {
  applicationView,
  createDraft,
  deleteDraft,
  findVisible,
  visibleAttachmentRows,
  saveTab,
  validationProblems,
} from '../drafts/draft-service.js';
import { etagOf, expectedVersion } from '../drafts/version.js';
import { costSheetView, deleteCostSheet, loadCostSheetSummary, saveCostSheet } from '../drafts/cost-sheets.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApplicationRow } from '../../db/entities/index.js';
import type { Principal } from '../../lib/auth/roles.js';
import { PREVIEW_WATERMARK, renderPreview } from '../../services/certificate/preview.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';
import { sendDrawnPdf } from '../http/stored-pdf.js';

const idParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'An application id is a UUID such as 0b9f6f5e-3c1e-4b4e-9a51-7f3a3c2b1d10')
    .describe('the application id (a UUID) returned when the draft was created'),
});
const attachmentParams = idParam.extend({
  attachmentId: z.string().regex(/^[0-9a-f-]{36}$/, 'An attachment id is a UUID').describe('the attachment id returned by the upload'),
});
const versionQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('the version you read (same as an If-Match header with the ETag); a stale version is refused with 409 version_conflict'),
});

const problem = z.object({ path: z.string(), message: z.string() });
const attachmentSchema = z.object({
  id: z.string(),
  purpose: z.string().describe("'application' (tab 6) or 'deficiency-response'"),
  round: z.number().int().nullable(),
  documentType: z.string(),
  fileName: z.string().describe('sanitised, with the extension of the type detected from the content'),
  fileType: z.enum(DETECTED_FILE_TYPES),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  submitted: z
    .boolean()
    .describe('part of what the exporter signed; false for a deficiency-response file no signed response carries (an unsigned attempt, a superseded reply): kept and listed for the exporter as not submitted, never shown to officers'),
  createdAt: z.string(),
});
const costSheetSummarySchema = z.object({
  itemNo: z.number().int(),
  description: z.string(),
  claimed: z.string().nullable().describe('the criterion and value claimed on the Import Details tab, e.g. "VA 42.5%"'),
  costSheet: z.boolean().describe('whether the item has a cost sheet'),
  measure: z.enum(['value-content', 'non-originating-content']).nullable().describe("how the agreement measures the criterion (null: the criterion needs no cost sheet)"),
  formula: z.enum(['build-down', 'build-up']).nullable(),
  computedPercent: z.string().nullable().describe('what the cost sheet gives, 2 decimals, e.g. "42.40"'),
  thresholdPercent: z.string().nullable().describe("the agreement's threshold: at least (value content) or at most (non-originating content)"),
  tolerancePercent: z.string().nullable().describe('how far the claimed value may be from the computed one, in percentage points'),
  meetsThreshold: z.boolean().nullable(),
  agreesWithClaim: z.boolean().nullable(),
  problems: z.array(problem).describe('what keeps this item from being submitted'),
});
const applicationSchema = z.object({
  id: z.string(),
  number: z.string().describe('draft number, e.g. DRAFTCOOAPPLY00000001AM27'),
  fileNumber: z.string().nullable().describe('given after payment'),
  status: z.enum(APPLICATION_STATUSES),
  iec: z.string(),
  version: z.number().int().describe('row version; also sent as the ETag header'),
  editable: z.boolean().describe('tabs can be saved (Draft, or Deficient when answering a query by editing)'),
  agreementCode: z.string().nullable(),
  agencyCode: z.string().nullable(),
  officeCode: z.string().nullable(),
  importerCountry: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  invoiceValueUsd: z.number().nullable(),
  certificateNumber: z.string().nullable(),
  deficiencyRound: z.number().int(),
  rejectionReason: z.string().nullable(),
  tabs: ApplicationDraftSchema,
  savedTabs: z.array(z.enum(TAB_IDS)),
  nextTab: z.enum([...TAB_IDS, 'summary']).describe('the first tab not yet saved, or "summary" when all are'),
  attachments: z.array(attachmentSchema),
  costSheetSummary: z.array(costSheetSummarySchema).describe('the cost sheet summary: per export item measured on a cost sheet, the criterion claimed, the value the cost sheet gives and the threshold'),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  statusChangedAt: z.string(),
});
const signatureSchema = z.object({
  purpose: z.string().describe("'submission', 'deficiency-edit' or 'clarification'"),
  round: z.number().int().describe('0 for the submission, the deficiency round for a response'),
  sha256: z.string().describe('of the signed bytes'),
  method: z.string().describe("how it was signed: 'dsc' (the registered DSC), 'esign' (Aadhaar eSign) or 'smime' (a DSC-signed e-mail)"),
  signer: z.object({
    userId: z.string(),
    name: z.string().nullable().describe("the verified name: the DSC's, or the one in the Aadhaar record eSign returned"),
    aadhaarLast4: z.string().nullable().describe('eSign: the last 4 digits of the Aadhaar number'),
  }),
  signedAt: z.string(),
});
const saveResultSchema = z.object({
  application: applicationSchema,
  warnings: z.array(problem).describe('problems in later tabs that depend on this one; they block submission until fixed'),
});
const binary = z.string().meta({ format: 'binary' });
const costSheetParams = idParam.extend({
  itemNo: z.coerce
    .number({ error: 'An item number is a whole number from 1 to 99' })
    .int('An item number is a whole number from 1 to 99')
    .min(1, 'An item number is a whole number from 1 to 99')
    .max(99, 'An item number is a whole number from 1 to 99')
    .describe('the export item number (tab 3)'),
});
const costSheetViewSchema = z.object({
  itemNo: z.number().int(),
  costSheet: CostSheetSchema,
  summary: costSheetSummarySchema.optional(),
});

/** The application as answered by every route: its files and its cost sheet summary. */
async function fullView(e: EntityManager, principal: Principal, row: ApplicationRow) {
  return applicationView(row, await visibleAttachmentRows(e, principal, row), await loadCostSheetSummary(e, row));
}

/** A stored tab body is validated by domain/application (validateTab) for its messages; the schema documents it. */
function documentedOnly<T extends z.ZodType>(schema: T): T {
  return schema.catch((ctx) => ctx.value as z.output<T>) as unknown as T;
}

function ifMatch(req: Request): string | undefined {
  return req.get('if-match') ?? undefined;
}

function sendEtag(res: Response, version: number): void {
  res.setHeader('ETag', etagOf(version));
}

const TAB_PATH_DOC: Record<TabId, string> = {
  basicDetails: 'IEC branch (from the IEC master), delivery at premises, disclaimer.',
  certificateDetails:
    'Type, agreement, agency notified for it, office of that agency, importer (address without the country), invoice (number of letters, digits and / , - only; unique for the IEC within a financial year; values and exchange rates consistent). Saving claims the invoice: a clash gives 409 invoice_duplicate naming the other application.',
  exportProducts: 'Export items; their values must add up to the invoice value.',
  importDetails: 'Raw materials and preference criterion per export item.',
  shipment: 'Mode of transport, shipment document, ports; the route must show both ports ("Others" needs the port name).',
  attachments:
    'The list of uploaded files (uploading adds a file here by itself). Every entry must be an uploaded file and every uploaded file must be listed; name, type, size and hash always come from the stored file, the exporter sets documentType, attest and description. The commercial invoice is mandatory.',
  declaration: 'Place, name (a director, partner or registered user of the IEC), designation.',
};

export function draftRoutes(deps: ApiDeps) {
  const em = () => deps.orm.em.fork();
  const tabRoutes = TAB_IDS.map((tab, i) =>
    defineRoute({
      method: 'put',
      path: `/v1/applications/:id/tabs/${tab}`,
      operationId: `save${tab.charAt(0).toUpperCase()}${tab.slice(1)}Tab`,
      summary: `Save tab ${i + 1}, "${TAB_LABELS[tab]}", of a draft`,
      description:
        `${TAB_PATH_DOC[tab]}\n\nTabs are saved in order (409 tab_order names the tabs to save first); the content is checked by every rule of the tab ` +
        '(422 validation_failed with field problems). Tabs that depend on this one are checked again and their problems returned as `warnings` ' +
        '(the save is kept; submission is refused until they are fixed). Allowed while the application is a Draft, or Deficient when the exporter ' +
        'answers a query by editing it (409 illegal_transition otherwise). Send `If-Match: "<version>"` (or `?version=`) to be refused with 409 ' +
        'version_conflict when someone saved in between.',
      tags: ['applications'],
      auth: ['exporter'],
      params: idParam,
      query: versionQuery,
      body: documentedOnly(TAB_SCHEMAS[tab] as z.ZodType),
      responses: {
        200: { description: 'saved', schema: saveResultSchema },
        404: { description: 'no such application (or not yours)' },
        409: { description: 'tab_order, invoice_duplicate, version_conflict or illegal_transition' },
      },
      handler: async ({ req, res, params, query, principal }) => {
        const expected = expectedVersion(ifMatch(req), query.version);
        const e = em();
        const saved = await saveTab(e, principal!, params.id, tab, req.body, expected);
        sendEtag(res, saved.row.version);
        return { application: await fullView(e, principal!, saved.row), warnings: saved.warnings };
      },
    }),
  );

  return [
    defineRoute({
      method: 'post',
      path: '/v1/applications',
      operationId: 'createDraftApplication',
      summary: 'Start a new application (a draft with its draft number)',
      description:
        "The draft belongs to the caller's IEC, whose record must be in the local IEC master (409 iec_not_registered otherwise: register or refresh the IEC first). " +
        'The draft number comes from a national counter: DRAFTCOOAPPLY + 8 digits + AM + the financial year (e.g. AM27 for 2026-27).',
      tags: ['applications'],
      auth: ['exporter'],
      responses: {
        201: { description: 'created', schema: applicationSchema },
        409: { description: 'iec_not_registered' },
      },
      handler: async ({ res, principal }) => {
        const row = await createDraft(em(), principal!);
        res.status(201).setHeader('Location', `/v1/applications/${row.id}`);
        sendEtag(res, row.version);
        return applicationView(row, []);
      },
    }),
    ...tabRoutes,
    defineRoute({
      method: 'put',
      path: '/v1/applications/:id/cost-sheets/:itemNo',
      operationId: 'saveCostSheet',
      summary: 'Save the cost sheet of an export item',
      description:
        'The cost sheet of one export product, in INR with at most 2 decimals, for the whole quantity of the item: originating and non-originating ' +
        'materials with their country of origin and value, labour, overheads, profit, other costs, the ex-works price, the costs from the works to the port ' +
        'and the FOB value. Materials + labour + overheads + profit + other costs must be the ex-works price, ex-works + costs to the port the FOB value, ' +
        'and the FOB value the item\'s value in INR (tab 3). The regional value content is computed as the agreement defines it (reference data: ' +
        '`value_content_rule`) and must reach its threshold and agree with the value claimed with the criterion on the Import Details tab (e.g. "VA 42.5%") ' +
        'within the rule\'s tolerance. Each disagreement is its own problem (422 validation_failed). The Import Details tab must be saved first (409 tab_order). ' +
        'Items claimed under a criterion the agreement measures on a cost sheet cannot be submitted without one. Same statuses, `If-Match` and `warnings` as a tab save.',
      tags: ['applications'],
      auth: ['exporter'],
      params: costSheetParams,
      query: versionQuery,
      body: documentedOnly(CostSheetSchema as z.ZodType),
      responses: {
        200: { description: 'saved', schema: z.object({ costSheet: costSheetViewSchema, application: applicationSchema, warnings: z.array(problem) }) },
        404: { description: 'no such application (or not yours)' },
        409: { description: 'tab_order, version_conflict or illegal_transition' },
      },
      handler: async ({ req, res, params, query, principal }) => {
        const e = em();
        const saved = await saveCostSheet(e, principal!, params.id, params.itemNo, req.body, expectedVersion(ifMatch(req), query.version));
        sendEtag(res, saved.row.version);
        return { costSheet: saved.view, application: await fullView(e, principal!, saved.row), warnings: saved.warnings };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/cost-sheets/:itemNo',
      operationId: 'getCostSheet',
      summary: 'The cost sheet of an export item, with what it computes',
      description: 'The cost sheet as saved and its summary line: the criterion claimed, the value content computed, the threshold, and the problems left. Visible to whoever sees the application.',
      tags: ['applications'],
      auth: [...ROLES],
      params: costSheetParams,
      responses: { 200: { description: 'the cost sheet', schema: costSheetViewSchema }, 404: { description: 'no such application or no cost sheet for the item' } },
      handler: async ({ params, principal }) => {
        const e = em();
        const row = await findVisible(e, principal!, params.id);
        return costSheetView(row, params.itemNo, await loadReferenceIndex(e));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/applications/:id/cost-sheets/:itemNo',
      operationId: 'deleteCostSheet',
      summary: 'Remove the cost sheet of an export item',
      description: 'While the application can be edited. An item still claimed under a criterion measured on a cost sheet is then reported in `warnings`.',
      tags: ['applications'],
      auth: ['exporter'],
      params: costSheetParams,
      query: versionQuery,
      responses: {
        200: { description: 'removed', schema: saveResultSchema },
        404: { description: 'no such application or no cost sheet for the item' },
        409: { description: 'illegal_transition or version_conflict' },
      },
      handler: async ({ req, res, params, query, principal }) => {
        const e = em();
        const r = await deleteCostSheet(e, principal!, params.id, params.itemNo, expectedVersion(ifMatch(req), query.version));
        sendEtag(res, r.row.version);
        return { application: await fullView(e, principal!, r.row), warnings: r.warnings };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/preview.pdf',
      operationId: 'previewApplicationCertificate',
      summary: 'Preview the certificate the application would be issued as (seed 001 step 5 "Preview Certificate"), before signing and paying',
      description:
        "The agreement's layout drawn from the saved tabs, with \"before/after shipment\" and its mark, " +
        `"${PREVIEW_WATERMARK}" across every page; no signature image, no stamp, no QR code and no digital signature, so it verifies nothing. ` +
        'No certificate number is taken: the number shows where it will go (`EIC/2026/031/PREVIEW`). ' +
        'Every tab the certificate prints (all but Attachments) must be saved: 422 validation_failed names the missing ones. ' +
        'The exporter of the IEC at any time; the office\'s officers, the agency\'s administrators, helpdesk and administrators once they may see the file. ' +
        'A request for a duplicate or in-lieu certificate gets its own preview (`GET /v1/certificate-requests/{id}/preview.pdf`).',
      tags: ['applications'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      params: idParam,
      responses: {
        200: { description: 'the preview', schema: binary, contentType: 'application/pdf' },
        404: { description: 'no such application (or not visible to you)' },
        422: { description: 'validation_failed: tabs the certificate prints are not saved yet (each named in errors[])' },
      },
      handler: async ({ params, principal, res }) => {
        const e = em();
        const row = await findVisible(e, principal!, params.id);
        const pdf = await renderPreview(e, await loadReferenceIndex(e), row);
        return sendDrawnPdf(res, `preview-${row.number}.pdf`, pdf);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/validation',
      operationId: 'validateApplication',
      summary: 'Everything that still keeps the application from being signed and submitted',
      description: 'Every tab saved, every tab\'s shape and every rule (domain/application validateApplicationForSubmission). `valid` is true when nothing is left.',
      tags: ['applications'],
      auth: [...ROLES],
      params: idParam,
      responses: {
        200: { description: 'the problems, grouped in tab order', schema: z.object({ valid: z.boolean(), problems: z.array(problem) }) },
        404: { description: 'no such application (or not visible to you)' },
      },
      handler: async ({ params, principal }) => {
        const e = em();
        const row = await findVisible(e, principal!, params.id);
        const problems = await validationProblems(e, row);
        return { valid: problems.length === 0, problems };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/applications/:id/attachments',
      operationId: 'uploadApplicationAttachment',
      summary: 'Upload a file for tab 6 (raw bytes in the body)',
      description:
        'The request body is the file itself, with any Content-Type except JSON (application/pdf, image/jpeg, application/octet-stream…). ' +
        `The type is detected from the content, never the name: ${APPLICATION_ATTACHMENT_POLICY.allowed.map((t) => t.toUpperCase()).join(', ')}; ` +
        `at most ${APPLICATION_ATTACHMENT_POLICY.maxBytes / 1024 / 1024} MB (413 attachment_rejected beyond) and ${APPLICATION_ATTACHMENT_POLICY.maxFiles} files. ` +
        'The name is sanitised and given the detected type\'s extension; the SHA-256 is recorded. The file is added to the attachments tab, ' +
        'so tabs 1-5 must be saved first. `warnings` lists what tab 6 still lacks (e.g. the mandatory commercial invoice).',
      tags: ['applications'],
      auth: ['exporter'],
      params: idParam,
      query: versionQuery.extend({
        documentType: z.enum(ATTACHMENT_DOCUMENT_TYPES).describe('what the document is; commercial_invoice is mandatory for submission'),
        fileName: z.string().min(1, 'fileName is required').max(255, 'fileName can have at most 255 characters').describe('the original file name'),
        attest: z.enum(['true', 'false']).default('false').describe('ask the officer to attest this document'),
        description: z.string().min(1).max(200).optional(),
      }),
      rawBody: {
        contentTypes: ['application/pdf', 'image/jpeg', 'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'],
        description: 'The file itself, with any Content-Type but JSON; its type is detected from the content (PDF, JPEG, XLS, XLSX), not from the name or Content-Type.',
      },
      responses: {
        201: { description: 'stored', schema: z.object({ attachment: attachmentSchema, application: applicationSchema, warnings: z.array(problem) }) },
        404: { description: 'no such application (or not yours)' },
        409: { description: 'tab_order, version_conflict, illegal_transition, or too many files' },
        413: { description: 'attachment_rejected: the file is too large' },
        415: { description: 'the body was sent as JSON' },
      },
      handler: async ({ req, res, params, query, principal }) => {
        const expected = expectedVersion(ifMatch(req), query.version);
        const bytes = await readUpload(req, res, query.fileName);
        const e = em();
        const result = await uploadAttachment(
          e,
          principal!,
          params.id,
          { documentType: query.documentType, fileName: query.fileName, attest: query.attest === 'true', description: query.description, bytes },
          expected,
        );
        res.status(201).setHeader('Location', `/v1/applications/${params.id}/attachments/${result.attachment.id}`);
        sendEtag(res, result.row.version);
        return {
          attachment: attachmentView(result.attachment),
          application: await fullView(e, principal!, result.row),
          warnings: result.warnings,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/attachments',
      operationId: 'listApplicationAttachments',
      summary: 'The files of an application (tab 6 and deficiency responses)',
      description:
        'Officers and agency administrators get the files the exporter signed: tab 6 and the files of signed deficiency responses. ' +
        'The exporter (and helpdesk and administrators) also get the files uploaded for a response but not part of a signed one, with `submitted: false`.',
      tags: ['applications'],
      auth: [...ROLES],
      params: idParam,
      responses: { 200: { description: 'files', schema: z.object({ items: z.array(attachmentSchema) }) }, 404: { description: 'not found' } },
      handler: async ({ params, principal }) => {
        const e = em();
        const row = await findVisible(e, principal!, params.id);
        return { items: (await visibleAttachmentRows(e, principal!, row)).map(attachmentView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id/attachments/:attachmentId',
      operationId: 'downloadApplicationAttachment',
      summary: 'Download a file of an application',
      description:
        'Served as an attachment (Content-Disposition: attachment) with the Content-Type of the detected type and X-Content-Type-Options: nosniff, so a browser never renders it inline.',
      tags: ['applications'],
      auth: [...ROLES],
      params: attachmentParams,
      responses: {
        200: { description: 'the file (PDF, JPEG, PNG, XLS or XLSX)', schema: binary, contentType: 'application/octet-stream' },
        404: { description: 'not found' },
      },
      handler: async ({ res, params, principal }) => {
        const a = await readAttachment(em(), principal!, params.id, params.attachmentId);
        res.attachment(a.fileName);
        res.setHeader('Content-Type', CONTENT_TYPES[a.contentType as DetectedFileType] ?? 'application/octet-stream');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
        res.setHeader('Cache-Control', 'private, no-store');
        res.status(200).end(a.content);
        return undefined;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/applications/:id/attachments/:attachmentId',
      operationId: 'deleteApplicationAttachment',
      summary: 'Remove an uploaded file from tab 6',
      description: 'While the application is a Draft (or Deficient, being edited in answer to a query). Files of a deficiency response cannot be removed.',
      tags: ['applications'],
      auth: ['exporter'],
      params: attachmentParams,
      query: versionQuery,
      responses: {
        200: { description: 'removed', schema: saveResultSchema },
        404: { description: 'not found' },
        409: { description: 'illegal_transition or version_conflict' },
      },
      handler: async ({ req, res, params, query, principal }) => {
        const e = em();
        const r = await deleteAttachment(e, principal!, params.id, params.attachmentId, expectedVersion(ifMatch(req), query.version));
        sendEtag(res, r.row.version);
        return { application: await fullView(e, principal!, r.row), warnings: r.warnings };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/applications/:id',
      operationId: 'getApplication',
      summary: 'One application: status, tabs saved so far, next tab, files',
      description:
        'Exporters see their IEC\'s applications, officers the files submitted to their office, agency administrators their agency\'s non-draft applications, helpdesk and administrators all. ' +
        'Any other id answers 404 exactly as an id that does not exist.',
      tags: ['applications'],
      auth: [...ROLES],
      params: idParam,
      responses: { 200: { description: 'the application', schema: applicationSchema.extend({ signatures: z.array(signatureSchema) }) }, 404: { description: 'not found' } },
      handler: async ({ res, params, principal }) => {
        const e = em();
        const row = await findVisible(e, principal!, params.id);
        sendEtag(res, row.version);
        return { ...(await fullView(e, principal!, row)), signatures: await signaturesOf(e, row.id) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/applications/:id',
      operationId: 'deleteDraftApplication',
      summary: 'Delete a draft, with its invoice claim and its files',
      description: 'Only a Draft can be deleted (409 illegal_transition otherwise). The invoice number becomes free for another application.',
      tags: ['applications'],
      auth: ['exporter'],
      params: idParam,
      query: versionQuery,
      responses: { 204: { description: 'deleted' }, 404: { description: 'not found' }, 409: { description: 'illegal_transition or version_conflict' } },
      handler: async ({ req, params, query, principal }) => {
        await deleteDraft(em(), principal!, params.id, expectedVersion(ifMatch(req), query.version));
        return undefined;
      },
    }),
  ];
}
