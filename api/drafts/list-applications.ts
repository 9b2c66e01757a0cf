import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApplicationStatus } from '../../db/entities/index.js';
import { SUBMITTED_STATUSES, type VisibilityScope } from './access.js';

/**
 * The lists of seeds 001 and 004: drafts, submitted files, pending payment, issued certificates; and for
 * requests (seed 001's "Discrepancy Duplicate Certificate") the files with a discrepancy / deficiency to
 * answer, and the officers' queue (files In-Process).
 */
export const LIST_VIEWS = ['all', 'drafts', 'submitted', 'pending-payment', 'issued', 'discrepancy', 'queue'] as const;
export type ListView = (typeof LIST_VIEWS)[number];

/** Which files a list holds: applications (the default), requests for a duplicate / in-lieu certificate (one kind or both), or every file. */
export const LIST_KINDS = ['application', 'request', 'duplicate', 'in-lieu', 'any'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export interface ListFilters {
  view: ListView;
  kind?: ListKind | undefined;
  /** requests made against this certificate */
  originalCertificateNumber?: string | undefined;
  status?: ApplicationStatus[] | undefined;
  /** India dates (YYYY-MM-DD), inclusive */
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  submittedFrom?: string | undefined;
  submittedTo?: string | undefined;
  agreement?: string | undefined;
  agency?: string | undefined;
  office?: string | undefined;
  iec?: string | undefined;
  /** application (draft) number, file number or certificate number */
  number?: string | undefined;
  numberMatch: 'prefix' | 'exact';
}

export interface ListQuery {
  where: string;
  params: unknown[];
  orderBy: string;
}

const VIEW_STATUSES: Record<Exclude<ListView, 'all'>, readonly ApplicationStatus[]> = {
  drafts: ['Draft'],
  submitted: SUBMITTED_STATUSES,
  'pending-payment': ['Pending Payment'],
  issued: ['Approved'],
  discrepancy: ['Deficient'],
  queue: ['In-Process'],
};

/** Newest first, by the date that matters in each list; the number breaks ties (numbers grow with time). */
const VIEW_ORDER: Record<ListView, string> = {
  all: 'a.created_at desc, a.number desc',
  drafts: 'a.created_at desc, a.number desc',
  'pending-payment': 'a.status_changed_at desc, a.number desc',
  submitted: 'a.submitted_at desc nulls last, a.created_at desc, a.number desc',
  issued: 'coalesce(a.decided_at, a.status_changed_at) desc, a.number desc',
  discrepancy: 'a.status_changed_at desc, a.number desc',
  // the officer's queue: oldest waiting first
  queue: 'a.status_changed_at asc, a.number asc',
};

const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;

/** The instant an India calendar day starts (00:00 IST). */
export function startOfIndianDay(isoDate: string, plusDays = 0): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + plusDays) - IST_OFFSET_MS);
}

/** Escapes LIKE wildcards with "!" so a typed "_" or "%" matches itself. */
function likePrefix(text: string): string {
  return `${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** WHERE clause (with ? placeholders) for what the caller may see and asked for. */
export function buildListQuery(filters: ListFilters, scope: VisibilityScope): ListQuery {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (values: readonly string[]) => {
    params.push(...values);
    return values.map(() => '?').join(', ');
  };

  if (!scope.all) {
    const visible: string[] = [];
    if (scope.iec !== undefined) {
      visible.push('a.iec = ?');
      params.push(scope.iec);
    }
    if (scope.officeCode !== undefined) {
      params.push(scope.officeCode);
      visible.push(`(a.office_code = ? and a.status in (${inList(SUBMITTED_STATUSES)}))`);
    }
    if (scope.agencyCode !== undefined) {
      visible.push(`(a.agency_code = ? and a.status <> 'Draft')`);
      params.push(scope.agencyCode);
    }
    clauses.push(visible.length === 0 ? 'false' : `(${visible.join(' or ')})`);
  }
  const kind = filters.kind ?? 'application';
  if (kind === 'request') clauses.push(`a.kind <> 'application'`);
  else if (kind !== 'any') {
    clauses.push('a.kind = ?');
    params.push(kind);
  }
  if (filters.originalCertificateNumber !== undefined) {
    clauses.push('a.original_certificate_number = ?');
    params.push(filters.originalCertificateNumber.replace(/\s+/g, '').toUpperCase());
  }
  if (filters.view !== 'all') {
    clauses.push(`a.status in (${inList(VIEW_STATUSES[filters.view])})`);
    if (filters.view === 'issued') clauses.push('a.certificate_number is not null');
  }
  if (filters.status !== undefined && filters.status.length > 0) clauses.push(`a.status in (${inList(filters.status)})`);
  const range = (column: string, from: string | undefined, to: string | undefined) => {
    if (from !== undefined) {
      clauses.push(`${column} >= ?`);
      params.push(startOfIndianDay(from));
    }
    if (to !== undefined) {
      clauses.push(`${column} < ?`);
      params.push(startOfIndianDay(to, 1));
    }
  };
  range('a.created_at', filters.createdFrom, filters.createdTo);
  range('a.submitted_at', filters.submittedFrom, filters.submittedTo);
  for (const [column, value] of [
    ['a.agreement_code', filters.agreement],
    ['a.agency_code', filters.agency],
    ['a.office_code', filters.office],
    ['a.iec', filters.iec],
  ] as const) {
    if (value !== undefined) {
      clauses.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (filters.number !== undefined) {
    const n = filters.number.trim().toUpperCase();
    if (filters.numberMatch === 'exact') {
      clauses.push('(a.number = ? or a.file_number = ? or upper(a.certificate_number) = ?)');
      params.push(n, n, n);
    } else {
      const p = likePrefix(n);
      clauses.push(`(a.number like ? escape '!' or a.file_number like ? escape '!' or upper(a.certificate_number) like ? escape '!')`);
      params.push(p, p, p);
    }
  }
  return { where: clauses.length === 0 ? 'true' : clauses.join(' and '), params, orderBy: VIEW_ORDER[filters.view] };
}

export interface ApplicationListItem {
  id: string;
  number: string;
  /** application, duplicate or in-lieu */
  kind: string;
  /** a request: the certificate it is made against */
  originalCertificateNumber: string | null;
  fileNumber: string | null;
  status: ApplicationStatus;
  iec: string;
  exporterName: string | null;
  agreementCode: string | null;
  agreementTitle: string | null;
  agencyCode: string | null;
  agencyName: string | null;
  officeCode: string | null;
  officeName: string | null;
  importerName: string | null;
  importerCountry: string | null;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  invoiceValueUsd: number | null;
  certificateNumber: string | null;
  feeTotalPaise: number | null;
  createdAt: string;
  submittedAt: string | null;
  statusChangedAt: string;
  decidedAt: string | null;
}

interface Row {
  id: string;
  number: string;
  kind: string;
  original_certificate_number: string | null;
  file_number: string | null;
  status: ApplicationStatus;
  iec: string;
  firm_name: string | null;
  agreement_code: string | null;
  agreement_title: string | null;
  agency_code: string | null;
  agency_name: string | null;
  office_code: string | null;
  office_name: string | null;
  importer_name: string | null;
  importer_country: string | null;
  invoice_number: string | null;
  invoice_date: string | null;
  invoice_value_usd: string | number | null;
  certificate_number: string | null;
  fee_total_paise: string | number | null;
  created_at: Date | string;
  submitted_at: Date | string | null;
  status_changed_at: Date | string;
  decided_at: Date | string | null;
}

const SELECT = `select a.id, a.number, a.kind, a.original_certificate_number, a.file_number, a.status, a.iec, r.firm_name,
  a.agreement_code, ta.title as agreement_title, a.agency_code, ag.name as agency_name, a.office_code, o.name as office_name,
  a.tabs #>> '{certificateDetails,importer,name}' as importer_name, a.importer_country, a.invoice_number,
  a.tabs #>> '{certificateDetails,invoice,date}' as invoice_date, a.invoice_value_usd, a.certificate_number, a.fee_total_paise,
  a.created_at, a.submitted_at, a.status_changed_at, a.decided_at
from application a
left join iec_record r on r.iec = a.iec
left join trade_agreement ta on ta.code = a.agreement_code
left join issuing_agency ag on ag.code = a.agency_code
left join agency_office o on o.code = a.office_code`;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

function toItem(r: Row): ApplicationListItem {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    originalCertificateNumber: r.original_certificate_number,
    fileNumber: r.file_number,
    status: r.status,
    iec: r.iec,
    exporterName: r.firm_name,
    agreementCode: r.agreement_code,
    agreementTitle: r.agreement_title,
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    officeCode: r.office_code,
    officeName: r.office_name,
    importerName: r.importer_name,
    importerCountry: r.importer_country,
    invoiceNumber: r.invoice_number,
    invoiceDate: r.invoice_date,
    invoiceValueUsd: num(r.invoice_value_usd),
    certificateNumber: r.certificate_number,
    feeTotalPaise: num(r.fee_total_paise),
    createdAt: iso(r.created_at)!,
    submittedAt: iso(r.submitted_at),
    statusChangedAt: iso(r.status_changed_at)!,
    decidedAt: iso(r.decided_at),
  };
}

export async function countApplications(em: EntityManager, q: ListQuery): Promise<number> {
  const rows = await em.execute<{ total: string | number }[]>(`select count(*) as total from application a where ${q.where}`, q.params);
  return Number(rows[0]?.total ?? 0);
}

export async function listApplications(em: EntityManager, q: ListQuery, limit: number, offset: number): Promise<ApplicationListItem[]> {
  const rows = await em.execute<Row[]>(`${SELECT} where ${q.where} order by ${q.orderBy} limit ? offset ?`, [...q.params, limit, offset]);
  return rows.map(toItem);
}
