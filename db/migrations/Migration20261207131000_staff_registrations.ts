import { Migration } from '@mikro-orm/migrations';

/**
 * Requests to become an agency's administrator or officer (seed 002 §3.I.i, §3.II.i): `staff_registration`,
 * decided by the platform administrator (administrators) or the agency's administrator (officers); an
 * approval creates or reactivates the `staff_user` row.
 */
export class Migration20261207131000_staff_registrations extends Migration {

  override name = 'Migration20261207131000_staff_registrations';

  override up(): void | Promise<void> {
    this.addSql(`create table "staff_registration" ("id" uuid not null, "kind" varchar(20) not null, "requested_by" varchar(60) not null, "agency_code" varchar(10) not null, "office_code" varchar(20) null, "name" varchar(120) not null, "email" varchar(200) not null, "designation" varchar(120) not null, "letter_file_name" varchar(200) null, "letter_content_type" varchar(100) null, "letter" bytea null, "letter_sha256" varchar(64) null, "status" varchar(20) not null, "decided_by" varchar(120) null, "decided_at" timestamptz null, "reason" text null, "created_at" timestamptz not null, constraint "staff_registration_pkey" primary key ("id"));`);
    this.addSql(`create index "staff_registration_requested_by_index" on "staff_registration" ("requested_by");`);
    this.addSql(`create index "staff_registration_agency_code_index" on "staff_registration" ("agency_code");`);
    this.addSql(`create index "staff_registration_status_index" on "staff_registration" ("status");`);
    // one open request per person
    this.addSql(`create unique index "staff_registration_one_pending" on "staff_registration" ("requested_by") where "status" = 'pending';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "staff_registration" cascade;`);
  }

}
