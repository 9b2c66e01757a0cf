import { Migration } from '@mikro-orm/migrations';

/**
 * Before / after shipment (seed 001 "Whether CoO request before/after shipment"):
 * - the agreements whose certificate carries an "issued retrospectively" mark get it in their reference data
 *   (`retrospectiveIssue`), only where a row has none yet: an administrator's own value is kept, and a fresh
 *   database gets it from reference-data.json at seeding;
 * - drafts saved before the question existed answer it with the default, "before shipment" (the usual case,
 *   which prints no mark). Only drafts: what an exporter has signed is not rewritten, and the rules read a
 *   missing answer as the same default.
 */
const MARKS: Record<string, object> = {
  AIFTA: { mark: 'Issued Retrospectively', printedIn: 'box', withinDaysOfShipment: 365 },
  IKCEPA: { mark: 'ISSUED RETROACTIVELY', printedIn: 'remarks', withinDaysOfShipment: 365 },
  SAFTA: { mark: 'ISSUED RETROSPECTIVELY', printedIn: 'remarks' },
};

export class Migration20261208150000_shipment_timing extends Migration {

  override name = 'Migration20261208150000_shipment_timing';

  override up(): void | Promise<void> {
    for (const [code, mark] of Object.entries(MARKS)) {
      // (jsonb_exists: the "?" operator would read as a bind parameter)
      this.addSql(
        `update "trade_agreement" set "data" = "data" || jsonb_build_object('retrospectiveIssue', '${JSON.stringify(mark)}'::jsonb) ` +
          `where "code" = '${code}' and not jsonb_exists("data", 'retrospectiveIssue');`,
      );
    }
    this.addSql(
      `update "application" set "tabs" = jsonb_set("tabs", '{certificateDetails,requestTiming}', '"before_shipment"') ` +
        `where "status" = 'Draft' and jsonb_typeof("tabs"->'certificateDetails') = 'object' and not jsonb_exists("tabs"->'certificateDetails', 'requestTiming');`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`update "application" set "tabs" = "tabs" #- '{certificateDetails,requestTiming}' where "status" = 'Draft';`);
    this.addSql(`update "trade_agreement" set "data" = "data" - 'retrospectiveIssue' where "code" in ('AIFTA', 'IKCEPA', 'SAFTA');`);
  }

}
