import { describe, expect, it } from 'vitest';
import { canSee, visibilityOf } from '../../../api/drafts/access.js';
import { buildListQuery, startOfIndianDay, type ListFilters } from '../../../api/drafts/list-applications.js';
import type { Principal } from '../../../lib/auth/roles.js';

const exporter: Principal = { sub: 'u', name: 'Raj', roles: ['exporter'], iec: 'AAACR5055K' };
const officer: Principal = { sub: 'o', name: 'Priya', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' };
const agencyAdmin: Principal = { sub: 'a', name: 'Rakesh', roles: ['agency-admin'], agencyCode: 'EIC' };
const helpdesk: Principal = { sub: 'h', name: 'Kavita', roles: ['helpdesk'] };
const base: ListFilters = { view: 'all', numberMatch: 'prefix' };
const app = (over: Partial<{ iec: string; officeCode: string | null; agencyCode: string | null; status: any }>) => ({
  iec: 'AAACR5055K',
  officeCode: 'EIC-MUM',
  agencyCode: 'EIC',
  status: 'Draft',
  ...over,
});

describe('who sees which application', () => {
  it('exporters their IEC, officers submitted files of their office, agency admins non-drafts of their agency, helpdesk all', () => {
    expect(canSee(exporter, app({}))).toBe(true);
    expect(canSee(exporter, app({ iec: 'AABCS1429B' }))).toBe(false);
    expect(canSee(officer, app({}))).toBe(false);
    expect(canSee(officer, app({ status: 'Pending Payment' }))).toBe(false);
    expect(canSee(officer, app({ status: 'In-Process' }))).toBe(true);
    expect(canSee(officer, app({ status: 'In-Process', officeCode: 'EIC-KOC' }))).toBe(false);
    expect(canSee(agencyAdmin, app({ status: 'Pending Payment', officeCode: 'EIC-KOC' }))).toBe(true);
    expect(canSee(agencyAdmin, app({}))).toBe(false);
    expect(canSee(helpdesk, app({ iec: 'ZZZZZ0000Z' }))).toBe(true);
    // an exporter token without an IEC sees nothing
    expect(canSee({ sub: 'x', name: 'x', roles: ['exporter'] }, app({}))).toBe(false);
  });

  it('turns the scope into SQL with its parameters in placeholder order', () => {
    const q = buildListQuery(base, visibilityOf({ ...officer, roles: ['officer', 'exporter'], iec: 'AAACR5055K' }));
    expect(q.where).toBe(
      "(a.iec = ? or (a.office_code = ? and a.status in (?, ?, ?, ?, ?))) and a.kind = ?",
    );
    expect(q.params).toEqual(['AAACR5055K', 'EIC-MUM', 'In-Process', 'Deficient', 'Approved Pending Issuance', 'Approved', 'Rejected', 'application']);
    expect(buildListQuery(base, visibilityOf({ sub: 'x', name: 'x', roles: ['officer'] })).where).toBe('false and a.kind = ?');
    expect(buildListQuery(base, visibilityOf(helpdesk)).where).toBe('a.kind = ?');
    expect(buildListQuery({ ...base, kind: 'any' }, visibilityOf(helpdesk)).where).toBe('true');
  });

  it('lists requests for duplicate / in-lieu certificates apart: by kind, by the certificate, the discrepancy list and the queue', () => {
    const requests = buildListQuery({ ...base, kind: 'request', view: 'discrepancy', originalCertificateNumber: 'eic/2026/031/0000001a' }, visibilityOf(helpdesk));
    expect(requests.where).toBe("a.kind <> 'application' and a.original_certificate_number = ? and a.status in (?)");
    expect(requests.params).toEqual(['EIC/2026/031/0000001A', 'Deficient']);
    const queue = buildListQuery({ ...base, kind: 'in-lieu', view: 'queue' }, visibilityOf(helpdesk));
    expect(queue.where).toBe('a.kind = ? and a.status in (?)');
    expect(queue.params).toEqual(['in-lieu', 'In-Process']);
    expect(queue.orderBy).toBe('a.status_changed_at asc, a.number asc');
  });

  it('combines the list, status, dates, codes and number filters', () => {
    const q = buildListQuery(
      {
        view: 'issued',
        status: ['Approved'],
        createdFrom: '2026-07-01',
        createdTo: '2026-07-31',
        agreement: 'IOCEPA',
        number: 'eimu_co%',
        numberMatch: 'prefix',
      },
      visibilityOf(helpdesk),
    );
    expect(q.where).toBe(
      "a.kind = ? and a.status in (?) and a.certificate_number is not null and a.status in (?) and a.created_at >= ? and a.created_at < ? and a.agreement_code = ? and " +
        "(a.number like ? escape '!' or a.file_number like ? escape '!' or upper(a.certificate_number) like ? escape '!')",
    );
    expect(q.params).toEqual([
      'application',
      'Approved',
      'Approved',
      new Date('2026-06-30T18:30:00.000Z'),
      new Date('2026-07-31T18:30:00.000Z'),
      'IOCEPA',
      'EIMU!_CO!%%',
      'EIMU!_CO!%%',
      'EIMU!_CO!%%',
    ]);
    expect(q.orderBy).toBe('coalesce(a.decided_at, a.status_changed_at) desc, a.number desc');
  });

  it('reads date filters as India days (UTC+05:30)', () => {
    expect(startOfIndianDay('2026-04-01').toISOString()).toBe('2026-03-31T18:30:00.000Z');
    expect(startOfIndianDay('2026-12-31', 1).toISOString()).toBe('2026-12-31T18:30:00.000Z');
  });
});
