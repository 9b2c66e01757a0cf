import { z } from 'zod';
import { APPLICATION_STATUSES, isApplicationStatus } from '../../domain/application/file-status.js';
import { isIsoDate, todayInIndia } from '../../domain/application/financial-year.js';
import { ROLES, type Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { visibilityOf } from '../drafts/access.js';
import { buildApplicationsWorkbook, XLSX_CONTENT_TYPE } from '../drafts/export-xlsx.js';
import { buildListQuery, countApplications, listApplications, LIST_KINDS, LIST_VIEWS, type ListFilters, type ListKind } from '../drafts/list-applications.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

/** The most rows one export may carry; beyond it the caller narrows the filters. */
export const EXPORT_MAX_ROWS = 10_000;

const date = (what: string) =>
  z
    .string()
    .refine(isIsoDate, `${what} must be a date written YYYY-MM-DD`)
    .optional()
    .describe(`${what} (India date, YYYY-MM-DD, inclusive)`);
const code = (what: string, re: RegExp, example: string) => z.string().regex(re, `${what} looks like ${example}`).optional().describe(`${what}, e.g. ${example}`);

const filterFields = {
  view: z
    .enum(LIST_VIEWS)
    .default('all')
    .describe('drafts; submitted (files at an office, with their file status); pending-payment; issued (certificates); discrepancy (Deficient: the exporter answers); queue (In-Process: the officer decides, oldest first); all'),
  kind: z
    .enum(LIST_KINDS)
    .optional()
    .describe('application (the default here); request (duplicate and in-lieu, the default of /v1/certificate-requests); duplicate; in-lieu; any'),
  originalCertificateNumber: z
    .string()
    .regex(/^[A-Za-z0-9/ ]{4,80}$/, 'A certificate number has letters, digits and / only')
    .optional()
    .describe('requests made against this certificate'),
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const values = s.split(',').map((v) => v.trim());
      const bad = values.filter((v) => !isApplicationStatus(v));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `Unknown status ${bad.join(', ')}; statuses are ${APPLICATION_STATUSES.join(', ')}` });
        return z.NEVER;
      }
      return values.filter(isApplicationStatus);
    })
    .describe(`one or more statuses, comma-separated: ${APPLICATION_STATUSES.join(', ')}`),
  createdFrom: date('Created from'),
  createdTo: date('Created up to'),
  submittedFrom: date('Submitted from'),
  submittedTo: date('Submitted up to'),
  agreement: code('Trade agreement', /^[A-Z][A-Z0-9]{1,9}$/, 'IOCEPA'),
  agency: code('Issuing agency', /^[A-Z][A-Z0-9]{1,9}$/, 'EIC'),
  office: code('Office', /^[A-Z]{2,10}-[A-Z]{3}$/, 'EIC-MUM'),
  iec: code('IEC', /^[A-Z0-9]{10}$/, 'AAACR5055K'),
  number: z
    .string()
    .regex(/^[A-Za-z0-9/-]{1,60}$/, 'An application, file or certificate number has letters, digits, / and - only')
    .optional()
    .describe('application (draft), file or certificate number, or its beginning'),
  numberMatch: z.enum(['prefix', 'exact']).default('prefix').describe('how `number` is matched'),
};

const listQuerySchema = z.object({
  ...filterFields,
  page: z.coerce.number().int('page must be a whole number').min(1, 'page starts at 1').default(1),
  pageSize: z.coerce.number().int('pageSize must be a whole number').min(1).max(100, 'pageSize can be at most 100').default(20),
});
const exportQuerySchema = z.object(filterFields);

const item = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.string().describe('application, duplicate or in-lieu'),
  originalCertificateNumber: z.string().nullable().describe('a request: the certificate it is made against'),
  fileNumber: z.string().nullable(),
  status: z.enum(APPLICATION_STATUSES).describe('the file status'),
  iec: z.string(),
  exporterName: z.string().nullable(),
  agreementCode: z.string().nullable(),
  agreementTitle: z.string().nullable(),
  agencyCode: z.string().nullable(),
  agencyName: z.string().nullable(),
  officeCode: z.string().nullable(),
  officeName: z.string().nullable(),
  importerName: z.string().nullable(),
  importerCountry: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  invoiceDate: z.string().nullable(),
  invoiceValueUsd: z.number().nullable(),
  certificateNumber: z.string().nullable(),
  feeTotalPaise: z.number().nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  statusChangedAt: z.string(),
  decidedAt: z.string().nullable(),
});

function filtersOf(q: z.output<typeof exportQuerySchema>): ListFilters {
  for (const [from, to, what] of [
    [q.createdFrom, q.createdTo, 'created'],
    [q.submittedFrom, q.submittedTo, 'submitted'],
  ] as const) {
    if (from !== undefined && to !== undefined && from > to) {
      throw new AppError(ErrorCode.ValidationFailed, `The ${what} date range starts (${from}) after it ends (${to}).`, {
        problems: [{ path: `query/${what}From`, message: 'must not be after the end of the range' }],
      });
    }
  }
  return { ...q };
}

const VIEW_TITLES: Record<(typeof LIST_VIEWS)[number], string> = {
  all: 'Applications',
  drafts: 'Draft applications',
  submitted: 'Submitted applications',
  'pending-payment': 'Pending payment',
  issued: 'Issued certificates',
  discrepancy: 'Discrepancy to answer',
  queue: 'Queue',
};

/** The lists of applications (`/v1/applications`) and of requests for a duplicate / in-lieu certificate (`/v1/certificate-requests`). */
export function applicationListRoutes(deps: ApiDeps) {
  return [
    ...listRoutes(deps, { base: '/v1/applications', defaultKind: 'application', what: 'applications', operation: 'Applications', tag: 'applications' }),
    ...listRoutes(deps, { base: '/v1/certificate-requests', defaultKind: 'request', what: 'requests', operation: 'CertificateRequests', tag: 'certificate requests' }),
  ];
}

function listRoutes(
  deps: ApiDeps,
  at: { base: string; defaultKind: ListKind; what: string; operation: string; tag: string },
) {
  const scopeOf = (p: Principal) => visibilityOf(p);
  const filtersWithKind = (q: z.output<typeof exportQuerySchema>): ListFilters => ({ ...filtersOf(q), kind: q.kind ?? at.defaultKind });
  return [
    defineRoute({
      method: 'get',
      path: `${at.base}/export.xlsx`,
      operationId: `export${at.operation}Xlsx`,
      summary: 'Export a list to Excel (.xlsx), with the same filters as the list',
      description: `One header row (frozen, with an autofilter); dates as Excel dates in India time, values as numbers. At most ${EXPORT_MAX_ROWS.toLocaleString('en-IN')} rows: narrow the filters beyond that.`,
      tags: [at.tag],
      auth: [...ROLES],
      query: exportQuerySchema,
      responses: { 200: { description: 'the workbook', schema: z.string().meta({ format: 'binary' }), contentType: XLSX_CONTENT_TYPE } },
      handler: async ({ res, query, principal }) => {
        const em = deps.orm.em.fork();
        const q = buildListQuery(filtersWithKind(query), scopeOf(principal!));
        const total = await countApplications(em, q);
        if (total > EXPORT_MAX_ROWS) {
          throw new AppError(
            ErrorCode.ValidationFailed,
            `The list has ${total} ${at.what}; at most ${EXPORT_MAX_ROWS} can be exported at once. Narrow the dates or other filters.`,
          );
        }
        const items = await listApplications(em, q, EXPORT_MAX_ROWS, 0);
        const workbook = await buildApplicationsWorkbook(items, VIEW_TITLES[query.view]);
        res.attachment(`${query.view === 'all' ? at.what : `${at.what}-${query.view}`}-${todayInIndia()}.xlsx`);
        res.setHeader('Content-Type', XLSX_CONTENT_TYPE);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'private, no-store');
        res.setHeader('X-Total-Count', String(total));
        res.status(200).end(workbook);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: at.base,
      operationId: `list${at.operation}`,
      summary: at.defaultKind === 'application' ? 'Lists of applications: drafts, submitted files, pending payment, issued certificates' : 'Lists of requests for a duplicate / in-lieu certificate: submitted, pending payment, discrepancy, the officers\' queue',
      description:
        'Filtered by dates (created/submitted), agreement, agency, office, IEC, status and number (application, file or certificate number; prefix or exact); ' +
        'newest first; paged. Exporters see their IEC\'s applications, officers the files submitted to their office, agency administrators their agency\'s non-draft applications, helpdesk and administrators all.',
      tags: [at.tag],
      auth: [...ROLES],
      query: listQuerySchema,
      responses: {
        200: {
          description: 'one page',
          schema: z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int(), totalPages: z.number().int() }),
        },
      },
      handler: async ({ query, principal }) => {
        const em = deps.orm.em.fork();
        const q = buildListQuery(filtersWithKind(query), scopeOf(principal!));
        const total = await countApplications(em, q);
        const items = total === 0 ? [] : await listApplications(em, q, query.pageSize, (query.page - 1) * query.pageSize);
        return { items, page: query.page, pageSize: query.pageSize, total, totalPages: Math.ceil(total / query.pageSize) };
      },
    }),
  ];
}
