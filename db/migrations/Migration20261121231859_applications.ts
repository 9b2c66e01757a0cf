import { Migration } from '@mikro-orm/migrations';

export class Migration20261121231859_applications extends Migration {

  override name = 'Migration20261121231859_applications';

  override up(): void | Promise<void> {
    this.addSql(`create table "application" ("id" varchar(36) not null, "number" varchar(40) not null, "file_number" varchar(40) null, "iec" varchar(10) not null, "created_by" varchar(60) not null, "status" varchar(30) not null, "agreement_code" varchar(10) null, "agency_code" varchar(10) null, "office_code" varchar(20) null, "importer_country" varchar(2) null, "invoice_number" varchar(40) null, "invoice_value_usd" numeric(18,2) null, "tabs" jsonb not null, "workflow_id" varchar(255) null, "signed_hash" varchar(64) null, "fee_total_paise" bigint null, "deficiency_round" int not null default 0, "certificate_number" varchar(60) null, "rejection_reason" text null, "submitted_at" timestamptz null, "status_changed_at" timestamptz not null, "decided_at" timestamptz null, "decided_by" varchar(60) null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "application" add constraint "application_number_unique" unique ("number");`);
    this.addSql(`alter table "application" add constraint "application_file_number_unique" unique ("file_number");`);
    this.addSql(`create index "application_agreement_code_index" on "application" ("agreement_code");`);
    this.addSql(`create index "application_agency_code_index" on "application" ("agency_code");`);
    this.addSql(`create index "application_certificate_number_index" on "application" ("certificate_number");`);
    this.addSql(`create index "application_created_at_index" on "application" ("created_at");`);
    this.addSql(`create index "application_iec_status_index" on "application" ("iec", "status");`);
    this.addSql(`create index "application_office_code_status_index" on "application" ("office_code", "status");`);

    this.addSql(`create table "attachment" ("id" varchar(36) not null, "application_id" varchar(36) not null, "purpose" varchar(30) not null, "round" int null, "document_type" varchar(40) not null, "file_name" varchar(160) not null, "content_type" varchar(10) not null, "size_bytes" int not null, "sha256" varchar(64) not null, "content" bytea not null, "uploaded_by" varchar(60) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "attachment_application_id_index" on "attachment" ("application_id");`);

    this.addSql(`create table "invoice_claim" ("key" varchar(120) not null, "application_id" varchar(36) not null, primary key ("key"));`);
    this.addSql(`create index "invoice_claim_application_id_index" on "invoice_claim" ("application_id");`);

    this.addSql(`create table "number_sequence" ("name" varchar(80) not null, "value" bigint not null, primary key ("name"));`);

    this.addSql(`create table "signed_version" ("id" bigserial primary key, "application_id" varchar(36) not null, "step_key" varchar(255) not null, "purpose" varchar(30) not null, "round" int not null default 0, "sha256" varchar(64) not null, "content" jsonb not null, "signature_b64" text not null, "signer_id" varchar(60) not null, "signer_cert_fingerprint" varchar(64) null, "method" varchar(10) not null, "signed_at" timestamptz not null);`);
    this.addSql(`create index "signed_version_application_id_index" on "signed_version" ("application_id");`);
    this.addSql(`alter table "signed_version" add constraint "signed_version_step_key_unique" unique ("step_key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "application" cascade;`);
    this.addSql(`drop table if exists "attachment" cascade;`);
    this.addSql(`drop table if exists "invoice_claim" cascade;`);
    this.addSql(`drop table if exists "number_sequence" cascade;`);
    this.addSql(`drop table if exists "signed_version" cascade;`);
  }

}
