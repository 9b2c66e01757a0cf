import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { checkAgreementAgencyOffice } from './check-agreement-agency-office.js';
import { checkAttachments } from './check-attachments.js';
import { checkBasicDetails } from './check-basic-details.js';
import { checkDeclaration } from './check-declaration.js';
import { checkExportProducts, checkItemTotals } from './check-export-products.js';
import { checkImportDetails } from './check-import-details.js';
import { checkImporter } from './check-importer.js';
import { checkInvoiceNumberAndDate, checkInvoiceUnique } from './check-invoice-number.js';
import { checkInvoiceValues } from './check-invoice-values.js';
import { checkRequestTiming } from './check-request-timing.js';
import { checkShipment } from './check-shipment.js';
import type { ApplicationRuleContext } from './context.js';
import { parseTab } from './parse-tab.js';
import { TAB_IDS, type ApplicationDraft, type TabId, type TabValue } from './schemas.js';
import { TAB_LABELS } from './tab-order.js';

/** A draft as it may come from storage or a request: each tab not yet trusted. */
export type UncheckedDraft = Partial<Record<TabId, unknown>>;

export interface TabValidation<T extends TabId> {
  /** The parsed tab, when its shape is valid (even if rules found problems). */
  value: TabValue<T> | undefined;
  problems: FieldProblem[];
}

/**
 * Checks a tab being saved: its shape, then the rules that belong to it, using the tabs saved
 * before it. Tab order is checked separately (checkTabOrder) because it is a different error
 * (ErrorCode.TabOrder) from invalid content (ErrorCode.ValidationFailed).
 */
export function validateTab<T extends TabId>(
  tab: T,
  input: unknown,
  draft: UncheckedDraft,
  ctx: ApplicationRuleContext,
): TabValidation<T> {
  const parsed = parseTab(tab, input);
  if (!parsed.ok) return { value: undefined, problems: parsed.problems };
  const typed = parseDraftQuietly({ ...draft, [tab]: parsed.value });
  return { value: parsed.value, problems: rulesForTab(tab, typed, ctx) };
}

/**
 * Everything that must hold before the application is signed and submitted: every tab saved,
 * every tab's shape, every rule. An empty list means the application can be submitted.
 */
export function validateApplicationForSubmission(app: UncheckedDraft, ctx: ApplicationRuleContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const typed: ApplicationDraft = {};
  for (const tab of TAB_IDS) {
    const input = app[tab];
    if (input === undefined) {
      problems.push({ path: tab, message: `The "${TAB_LABELS[tab]}" tab has not been saved` });
      continue;
    }
    const parsed = parseTab(tab, input);
    if (parsed.ok) (typed as Record<TabId, unknown>)[tab] = parsed.value;
    else problems.push(...parsed.problems);
  }
  for (const tab of TAB_IDS) {
    if (typed[tab] !== undefined) problems.push(...rulesForTab(tab, typed, ctx));
  }
  return dedupe(problems);
}

/** The AppError to throw for a list of problems from this module. */
export function applicationInvalid(problems: FieldProblem[]): AppError {
  const first = problems[0]?.message ?? 'The application is not valid';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new AppError(ErrorCode.ValidationFailed, `${first}${more}`, { problems });
}

function rulesForTab(tab: TabId, draft: ApplicationDraft, ctx: ApplicationRuleContext): FieldProblem[] {
  const details = draft.certificateDetails;
  switch (tab) {
    case 'basicDetails':
      return draft.basicDetails === undefined ? [] : checkBasicDetails(draft.basicDetails, ctx.iec);
    case 'certificateDetails': {
      if (details === undefined) return [];
      return [
        ...checkAgreementAgencyOffice(details, ctx.reference),
        ...checkImporter(details.importer, ctx.reference.agreement(details.agreementCode)),
        ...checkInvoiceNumberAndDate(details.invoice, ctx.today),
        ...checkInvoiceUnique(details.invoice, ctx.iec.iec, ctx.invoiceUsedBy),
        ...checkInvoiceValues(details.invoice),
      ];
    }
    case 'exportProducts': {
      const products = draft.exportProducts;
      if (products === undefined || details === undefined) return [];
      return [...checkExportProducts(products, details.invoice), ...checkItemTotals(products, details.invoice)];
    }
    case 'importDetails': {
      const agreement = details === undefined ? undefined : ctx.reference.agreement(details.agreementCode);
      if (draft.importDetails === undefined || draft.exportProducts === undefined || agreement === undefined) return [];
      return checkImportDetails(draft.importDetails, draft.exportProducts, agreement, ctx.today);
    }
    case 'shipment':
      if (draft.shipment === undefined) return [];
      return [
        ...checkShipment(draft.shipment),
        ...(details === undefined ? [] : checkRequestTiming(details, draft.shipment, ctx.reference.agreement(details.agreementCode), ctx.today)),
      ];
    case 'attachments':
      return draft.attachments === undefined ? [] : checkAttachments(draft.attachments);
    case 'declaration':
      return draft.declaration === undefined ? [] : checkDeclaration(draft.declaration, ctx.iec, ctx.signatoryName);
  }
}

/** The tabs of a stored draft that have a valid shape (the others are left out). */
function parseDraftQuietly(draft: UncheckedDraft): ApplicationDraft {
  const typed: Record<string, unknown> = {};
  for (const tab of TAB_IDS) {
    if (draft[tab] === undefined) continue;
    const parsed = parseTab(tab, draft[tab]);
    if (parsed.ok) typed[tab] = parsed.value;
  }
  return typed as ApplicationDraft;
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
