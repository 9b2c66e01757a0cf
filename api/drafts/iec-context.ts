import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, IecRecord as IecRecordRow, InvoiceClaim } from '../../db/entities/index.js';
import type { ApplicationRuleContext } from '../../domain/application/context.js';
import { invoiceUniquenessKey, isIsoDate, todayInIndia } from '../../domain/application/financial-year.js';
import { IecRecordSchema } from '../../domain/reference/schema.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { IecRecord } from '../../domain/reference/types.js';
import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * The exporter's record from the local copy of DGFT's IEC master, in the shape the rules read.
 * Company details are never typed into an application, so without this record nothing can be filed.
 */
export async function loadIecForRules(em: EntityManager, iec: string): Promise<IecRecord> {
  const row = await em.findOne(IecRecordRow, { iec });
  if (!row) {
    throw new AppError(
      ErrorCode.IecNotRegistered,
      `IEC ${iec} has no record in the local copy of DGFT's IEC master yet. Register the IEC (or refresh it: POST /v1/iec-master/${iec}/refresh) before applying for a certificate of origin.`,
      { status: 409, details: { iec } },
    );
  }
  const parsed = IecRecordSchema.safeParse(row.data);
  if (!parsed.success) {
    throw new AppError(
      ErrorCode.IecNotRegistered,
      `The IEC master record of ${iec} is incomplete (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'record'}: ${i.message}`)
        .join('; ')}). Update the IEC at DGFT, then refresh it here (POST /v1/iec-master/${iec}/refresh).`,
      { status: 409, details: { iec } },
    );
  }
  return parsed.data;
}

/** The invoice of a stored certificate-details tab, when it has a usable number and date. */
export function invoiceOf(tabs: Record<string, unknown>): { number: string; date: string } | undefined {
  const inv = (tabs.certificateDetails as { invoice?: { number?: unknown; date?: unknown } } | undefined)?.invoice;
  if (typeof inv?.number !== 'string' || typeof inv.date !== 'string' || !isIsoDate(inv.date)) return undefined;
  return { number: inv.number, date: inv.date };
}

/** The number of another application of the IEC that holds the invoice's uniqueness key, if any. */
export async function invoiceHolder(
  em: EntityManager,
  applicationId: string,
  iec: string,
  invoice: { number: string; date: string } | undefined,
  /** a request for a duplicate / in-lieu certificate: the original's application, whose claim is the same export */
  sameExportAs: string | null = null,
): Promise<string | null> {
  if (invoice === undefined) return null;
  const claim = await em.findOne(InvoiceClaim, { key: invoiceUniquenessKey(iec, invoice.number, invoice.date) });
  if (!claim || claim.applicationId === applicationId || claim.applicationId === sameExportAs) return null;
  const other = await em.findOne(ApplicationRow, { id: claim.applicationId }, { fields: ['number'] });
  return other?.number ?? claim.applicationId;
}

export function ruleContext(
  reference: ReferenceIndex,
  iec: IecRecord,
  invoiceUsedBy: string | null,
  now: Date = new Date(),
): ApplicationRuleContext {
  return { reference, iec, today: todayInIndia(now), invoiceUsedBy };
}
