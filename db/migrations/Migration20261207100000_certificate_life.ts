import { Migration } from '@mikro-orm/migrations';

/**
 * A certificate's whole life (issue 11):
 * - a file is an application or a request for a duplicate / in-lieu certificate of an issued one
 *   (`application.kind`, the original's number, the exporter's reason); at most one open request per
 *   certificate (a partial unique index: a second request is refused, naming the first);
 * - a certificate is issued, superseded (by an in-lieu certificate) or cancelled, with when, by whom and
 *   why (`revoked`, never set by any code, becomes `cancelled`); it points at the in-lieu certificate that
 *   superseded it;
 * - certificates issued on the legacy platform are imported as records (`source = 'legacy'`, no
 *   application, what the export said in `legacy`): they verify here, nothing is requested against them.
 */
export class Migration20261207100000_certificate_life extends Migration {

  override name = 'Migration20261207100000_certificate_life';

  override up(): void | Promise<void> {
    this.addSql(`alter table "application" add "kind" varchar(12) not null default 'application', add "original_certificate_number" varchar(60) null, add "request_reason" text null;`);
    this.addSql(`create index "application_original_certificate_number_index" on "application" ("original_certificate_number");`);
    this.addSql(`create index "application_kind_iec_status_index" on "application" ("kind", "iec", "status");`);
    this.addSql(`create unique index "application_one_open_request" on "application" ("original_certificate_number") where "kind" <> 'application' and "status" not in ('Approved', 'Rejected', 'Expired');`);
    this.addSql(`alter table "certificate" alter column "application_id" drop not null;`);
    this.addSql(`alter table "certificate" add "source" varchar(10) not null default 'platform', add "superseded_by" varchar(60) null, add "status_changed_at" timestamptz null, add "status_changed_by" varchar(120) null, add "status_reason" text null, add "legacy" jsonb null;`);
    this.addSql(`create index "certificate_original_number_index" on "certificate" ("original_number");`);
    this.addSql(`update "certificate" set "status" = 'cancelled' where "status" = 'revoked';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`update "certificate" set "status" = 'revoked' where "status" = 'cancelled';`);
    this.addSql(`drop index "certificate_original_number_index";`);
    this.addSql(`alter table "certificate" drop column "source", drop column "superseded_by", drop column "status_changed_at", drop column "status_changed_by", drop column "status_reason", drop column "legacy";`);
    this.addSql(`delete from "certificate" where "application_id" is null;`);
    this.addSql(`alter table "certificate" alter column "application_id" set not null;`);
    this.addSql(`drop index "application_one_open_request";`);
    this.addSql(`drop index "application_kind_iec_status_index";`);
    this.addSql(`drop index "application_original_certificate_number_index";`);
    this.addSql(`alter table "application" drop column "kind", drop column "original_certificate_number", drop column "request_reason";`);
  }

}
