import crypto from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, AttachmentRow, InvoiceClaim } from '../../db/entities/index.js';
import { nextSequence } from '../../db/sequence.js';
import { invoiceUniquenessKey } from '../../domain/application/financial-year.js';
import { checkTabOrder, nextTab, savedTabsOf, TAB_DEPENDENTS, TAB_LABELS } from '../../domain/application/tab-order.js';
import { TAB_IDS, type CertificateDetails, type TabId } from '../../domain/application/schemas.js';
import { applicationInvalid, costSheetProblems, validateApplicationForSubmission, validateTab } from '../../domain/application/validate-application.js';
import type { CostSheetSummary } from '../../domain/application/check-cost-sheets.js';
import { formatDraftNumber } from '../../domain/numbering/application-number.js';
import type { Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { originalApplicationIdOf, requestProblems } from '../../services/application/certificate-requests.js';
import { applicationNotFound, assertEditable, canSee, exporterIec, isOwner, seesUnsubmitted } from './access.js';
import { attachmentView, mergeStoredAttachments, type AttachmentView } from './attachment-views.js';
import { invoiceHolder, invoiceOf, loadIecForRules, ruleContext } from './iec-context.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { assertVersion } from './version.js';

/** The tabs whose content the cost sheets are checked against. */
const COST_SHEET_INPUTS: ReadonlySet<TabId> = new Set(['certificateDetails', 'exportProducts', 'importDetails']);

/** The national counter behind draft numbers (DRAFTCOOAPPLY<8 digits>AM<yy>). */
export const DRAFT_SEQUENCE = 'draft-number';

export interface ApplicationView {
  id: string;
  number: string;
  fileNumber: string | null;
  status: ApplicationRow['status'];
  iec: string;
  version: number;
  editable: boolean;
  agreementCode: string | null;
  agencyCode: string | null;
  officeCode: string | null;
  importerCountry: string | null;
  invoiceNumber: string | null;
  invoiceValueUsd: number | null;
  certificateNumber: string | null;
  deficiencyRound: number;
  rejectionReason: string | null;
  tabs: Record<string, unknown>;
  savedTabs: TabId[];
  nextTab: TabId | 'summary';
  attachments: AttachmentView[];
  /** per export item measured on a cost sheet: the criterion claimed, what the cost sheet gives, the agreement's threshold */
  costSheetSummary: CostSheetSummary[];
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  statusChangedAt: string;
}

export function applicationView(row: ApplicationRow, attachments: AttachmentRow[], costSheetSummary: CostSheetSummary[] = []): ApplicationView {
  const tabs = row.tabs ?? {};
  return {
    id: row.id,
    number: row.number,
    fileNumber: row.fileNumber ?? null,
    status: row.status,
    iec: row.iec,
    version: row.version,
    editable: row.status === 'Draft' || row.status === 'Deficient',
    agreementCode: row.agreementCode ?? null,
    agencyCode: row.agencyCode ?? null,
    officeCode: row.officeCode ?? null,
    importerCountry: row.importerCountry ?? null,
    invoiceNumber: row.invoiceNumber ?? null,
    invoiceValueUsd: row.invoiceValueUsd == null ? null : Number(row.invoiceValueUsd),
    certificateNumber: row.certificateNumber ?? null,
    deficiencyRound: row.deficiencyRound,
    rejectionReason: row.rejectionReason ?? null,
    tabs,
    savedTabs: savedTabsOf(tabs),
    nextTab: nextTab(savedTabsOf(tabs)),
    attachments: attachments.map(attachmentView),
    costSheetSummary,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    submittedAt: row.submittedAt ? row.submittedAt.toISOString() : null,
    statusChangedAt: row.statusChangedAt.toISOString(),
  };
}

/** An application the caller may see, or the same 404 as for one that does not exist. */
export async function findVisible(em: EntityManager, principal: Principal, id: string): Promise<ApplicationRow> {
  const row = await em.findOne(ApplicationRow, { id });
  if (!row || !canSee(principal, row)) throw applicationNotFound(id);
  return row;
}

/** The caller's own application, locked for the rest of the transaction. */
export async function lockOwned(tx: EntityManager, principal: Principal, id: string): Promise<ApplicationRow> {
  const row = await tx.findOne(ApplicationRow, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!row || !isOwner(principal, row)) throw applicationNotFound(id);
  return row;
}

export async function listAttachmentRows(em: EntityManager, applicationId: string, opts: { submittedOnly?: boolean } = {}): Promise<AttachmentRow[]> {
  return em.find(AttachmentRow, { applicationId, ...(opts.submittedOnly ? { submitted: true } : {}) }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** The files of an application the caller may see: officers only those submitted to the office (seesUnsubmitted). */
export async function visibleAttachmentRows(em: EntityManager, principal: Principal, row: ApplicationRow): Promise<AttachmentRow[]> {
  return listAttachmentRows(em, row.id, { submittedOnly: !seesUnsubmitted(principal, row) });
}

/** A new, empty draft of the exporter's IEC, numbered from the national draft counter. */
export async function createDraft(em: EntityManager, principal: Principal, now = new Date()): Promise<ApplicationRow> {
  const iec = exporterIec(principal);
  await loadIecForRules(em, iec);
  // the counter commits on its own (like a database sequence): a failed insert leaves a gap, never a duplicate
  const sequence = await nextSequence(em, DRAFT_SEQUENCE);
  const row = em.create(ApplicationRow, {
    id: crypto.randomUUID(),
    number: formatDraftNumber(sequence, now),
    iec,
    createdBy: principal.sub.slice(0, 60),
    status: 'Draft',
    tabs: {},
    deficiencyRound: 0,
    createdAt: now,
    updatedAt: now,
    statusChangedAt: now,
  });
  await em.flush();
  return row;
}

export interface SaveTabResult {
  row: ApplicationRow;
  value: unknown;
  /** Problems found in later tabs that depend on the saved one (TAB_DEPENDENTS); they block submission. */
  warnings: FieldProblem[];
}

/**
 * Saves one tab: order, shape and rules (domain/application), the invoice claim for certificate
 * details, the key columns, then re-checks the tabs that depend on it. All in one transaction with
 * the application's row locked, so two saves of the same draft never interleave.
 *
 * Dependents are reported, not refused: when the exporter corrects the invoice in tab 2, tab 3 no
 * longer adds up until it is corrected too; refusing tab 2 would leave no way to fix either. The
 * warnings come back with the save, GET …/validation lists them, and submission is refused while
 * any remains.
 */
export async function saveTab(
  em: EntityManager,
  principal: Principal,
  id: string,
  tab: TabId,
  input: unknown,
  expected: number | undefined,
): Promise<SaveTabResult> {
  return em.transactional(async (tx) => {
    const row = await lockOwned(tx, principal, id);
    assertVersion(row.number, row.version, expected);
    assertEditable(row, `saving the "${TAB_LABELS[tab]}" tab`);
    if (row.kind === 'duplicate') {
      throw new AppError(ErrorCode.IllegalTransition, `Request ${row.number} is for a duplicate, which carries the original certificate unchanged: request a certificate in lieu to correct it.`);
    }
    const order = checkTabOrder(savedTabsOf(row.tabs), tab);
    if (order.length > 0) {
      throw new AppError(ErrorCode.TabOrder, order[0]!.message, { problems: order, details: { nextTab: nextTab(savedTabsOf(row.tabs)) } });
    }

    let content = input;
    if (tab === 'attachments') {
      const stored = await tx.find(AttachmentRow, { applicationId: row.id, purpose: 'application' }, { orderBy: { createdAt: 'asc' } });
      const merged = mergeStoredAttachments(input, stored);
      if (merged.problems.length > 0) throw applicationInvalid(merged.problems);
      content = merged.value;
    }

    const [reference, iec] = [await loadReferenceIndex(tx), await loadIecForRules(tx, row.iec)];
    const sameExport = await originalApplicationIdOf(tx, row);
    const usedBy = tab === 'certificateDetails' ? await invoiceHolder(tx, row.id, row.iec, invoiceOf({ certificateDetails: content }), sameExport) : null;
    const ctx = ruleContext(reference, iec, usedBy);
    const result = validateTab(tab, content, row.tabs, ctx);
    if (result.problems.length > 0 || result.value === undefined) {
      if (usedBy !== null) throw invoiceDuplicate(usedBy, result.problems);
      throw applicationInvalid(result.problems);
    }

    const tabs: Record<string, unknown> = { ...row.tabs, [tab]: result.value };
    if (tab === 'certificateDetails') {
      const details = result.value as CertificateDetails;
      if (row.kind === 'in-lieu' && (details.agreementCode !== row.agreementCode || details.agencyCode !== row.agencyCode || details.officeCode !== row.officeCode)) {
        throw applicationInvalid([
          {
            path: 'certificateDetails',
            message: `A certificate in lieu is issued under the original's agreement by the office that issued it (${row.agreementCode}, ${row.agencyCode}, ${row.officeCode}): only the other fields can be corrected`,
          },
        ]);
      }
      // an application claims its invoice; a request is the same export as its original, which holds the claim
      if (row.kind === 'application') await claimInvoice(tx, row.id, invoiceUniquenessKey(row.iec, details.invoice.number, details.invoice.date));
      row.agreementCode = details.agreementCode;
      row.agencyCode = details.agencyCode;
      row.officeCode = details.officeCode;
      row.importerCountry = details.importer.country;
      row.invoiceNumber = details.invoice.number;
      row.invoiceValueUsd = details.invoice.valueUsd;
    }
    const warnings = [
      ...TAB_DEPENDENTS[tab].filter((d) => tabs[d] !== undefined).flatMap((d) => validateTab(d, tabs[d], tabs, ctx).problems),
      // the cost sheets are checked against the agreement, the items' values and the criteria claimed
      ...(COST_SHEET_INPUTS.has(tab) ? costSheetProblems(tabs, ctx) : []),
    ];
    row.tabs = tabs;
    await tx.flush();
    return { row, value: result.value, warnings };
  });
}

/**
 * Takes the invoice's uniqueness key for the application, releasing the key it held before (the
 * claim moves with the invoice). The primary key of invoice_claim decides between two drafts saved
 * at the same moment: the second waits for the first and then sees its claim.
 */
export async function claimInvoice(tx: EntityManager, applicationId: string, key: string): Promise<void> {
  await tx.nativeDelete(InvoiceClaim, { applicationId, key: { $ne: key } });
  const rows = await tx.execute<{ application_id: string }[]>(
    `insert into invoice_claim (key, application_id) values (?, ?)
     on conflict (key) do update set application_id = invoice_claim.application_id
     returning application_id`,
    [key, applicationId],
  );
  const holder = rows[0]?.application_id;
  if (holder !== undefined && holder !== applicationId) {
    const other = await tx.findOne(ApplicationRow, { id: holder }, { fields: ['number'] });
    const [iec, fy, number] = key.split('|');
    throw invoiceDuplicate(other?.number ?? holder, [
      {
        path: 'certificateDetails/invoice/number',
        message: `Invoice ${number} is already used by application ${other?.number ?? holder} of IEC ${iec} in financial year ${fy}; an invoice number can be used once per financial year`,
      },
    ]);
  }
}

function invoiceDuplicate(otherNumber: string, problems: FieldProblem[]): AppError {
  const clash = problems.find((p) => p.message.includes(otherNumber)) ?? problems[0];
  return new AppError(ErrorCode.InvoiceDuplicate, clash?.message ?? `The invoice is already used by application ${otherNumber}`, {
    status: 409,
    problems,
    details: { usedBy: otherNumber },
  });
}

/** Every problem that keeps the application from being signed and submitted (empty: ready). */
export async function validationProblems(em: EntityManager, row: ApplicationRow): Promise<FieldProblem[]> {
  const [reference, iec] = [await loadReferenceIndex(em), await loadIecForRules(em, row.iec)];
  const usedBy = await invoiceHolder(em, row.id, row.iec, invoiceOf(row.tabs), await originalApplicationIdOf(em, row));
  const problems = [...validateApplicationForSubmission(row.tabs, ruleContext(reference, iec, usedBy)), ...(await requestProblems(em, row))];
  const tabIndex = (path: string) => {
    const i = TAB_IDS.indexOf(path.split('/')[0] as TabId);
    return i < 0 ? TAB_IDS.length : i;
  };
  return problems.map((p, i) => ({ p, i })).sort((a, b) => tabIndex(a.p.path) - tabIndex(b.p.path) || a.i - b.i).map(({ p }) => p);
}

/** Deletes a draft with its invoice claim and its files, in one transaction. */
export async function deleteDraft(em: EntityManager, principal: Principal, id: string, expected: number | undefined): Promise<void> {
  await em.transactional(async (tx) => {
    const row = await lockOwned(tx, principal, id);
    assertVersion(row.number, row.version, expected);
    if (row.status !== 'Draft') {
      throw new AppError(
        ErrorCode.IllegalTransition,
        `Application ${row.number} is ${row.status}: only a draft can be deleted; a submitted application stays on record.`,
        { details: { applicationStatus: row.status } },
      );
    }
    await tx.nativeDelete(AttachmentRow, { applicationId: row.id });
    await tx.nativeDelete(InvoiceClaim, { applicationId: row.id });
    tx.remove(row);
    await tx.flush();
  });
}
