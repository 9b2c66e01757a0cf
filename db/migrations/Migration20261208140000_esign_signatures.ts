import { Migration } from '@mikro-orm/migrations';

/**
 * Aadhaar eSign wherever a DSC signs: a file's signed versions say who signed and how (the verified name,
 * for eSign the provider's transaction and the last 4 Aadhaar digits), and the eSign transactions of files.
 */
export class Migration20261208140000_esign_signatures extends Migration {

  override name = 'Migration20261208140000_esign_signatures';

  override up(): void | Promise<void> {
    this.addSql(`alter table "signed_version" add column "signer_name" varchar(200) null, add column "esign_transaction_id" varchar(100) null, add column "aadhaar_last4" varchar(4) null;`);
    this.addSql(`create table "file_esign" ("transaction_id" varchar(100) not null, "provider" varchar(40) not null, "application_id" varchar(36) not null, "user_id" varchar(60) not null, "purpose" varchar(30) not null, "round" int not null, "payload_sha256" varchar(64) not null, "status" varchar(12) not null, "expires_at" timestamptz not null, "signature_b64" text null, "signer_name" varchar(200) null, "aadhaar_last4" varchar(4) null, "started_at" timestamptz not null, "completed_at" timestamptz null, constraint "file_esign_pkey" primary key ("transaction_id"));`);
    this.addSql(`create index "file_esign_application_id_user_id_index" on "file_esign" ("application_id", "user_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "file_esign" cascade;`);
    this.addSql(`alter table "signed_version" drop column "signer_name", drop column "esign_transaction_id", drop column "aadhaar_last4";`);
  }

}
