import { Migration } from '@mikro-orm/migrations';

/** Attested copies of the attachments marked "Attest", or the officer's refusal with its remark, per certificate. */
export class Migration20261208170000_attested_documents extends Migration {

  override name = 'Migration20261208170000_attested_documents';

  override up(): void | Promise<void> {
    this.addSql(`create table "attested_document" ("certificate_number" varchar(60) not null, "attachment_id" varchar(36) not null, "application_id" varchar(36) not null, "document_type" varchar(40) not null, "file_name" varchar(160) not null, "status" varchar(10) not null, "remark" text null, "decided_by" varchar(120) not null, "pdf" bytea null, "pdf_sha256" varchar(64) null, "page_count" int null, "appended_page" boolean not null default false, "created_at" timestamptz not null, constraint "attested_document_pkey" primary key ("certificate_number", "attachment_id"));`);
    this.addSql(`create index "attested_document_application_id_index" on "attested_document" ("application_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "attested_document" cascade;`);
  }

}
