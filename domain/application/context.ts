import type { ReferenceIndex } from '../reference/reference-index.js';
import type { IecRecord } from '../reference/types.js';

/** What the rules need besides the application itself. Everything is data: the rules do no I/O. */
export interface ApplicationRuleContext {
  reference: ReferenceIndex;
  /** The applicant's record in the IEC master. */
  iec: IecRecord;
  /** Today's date in India, YYYY-MM-DD (see todayInIndia). */
  today: string;
  /**
   * The number of another application of this IEC that already uses the invoice's
   * invoiceUniquenessKey (looked up by the caller in the database), or null/undefined if none.
   */
  invoiceUsedBy?: string | null;
  /** The person who will sign the application; the declaration must be in their name. */
  signatoryName?: string;
}
