import { Migration } from '@mikro-orm/migrations';

export class Migration20261121232454_identity extends Migration {

  override name = 'Migration20261121232454_identity';

  override up(): void | Promise<void> {
    this.addSql(`create table "certificate" ("number" varchar(60) not null, "application_id" varchar(36) not null, "kind" varchar(12) not null, "original_number" varchar(60) null, "iec" varchar(10) not null, "agency_code" varchar(10) not null, "office_code" varchar(20) not null, "agreement_code" varchar(10) not null, "status" varchar(12) not null, "issued_by" varchar(60) not null, "issued_at" timestamptz not null, "document" jsonb not null, "pdf" bytea null, "pdf_sha256" varchar(64) null, "verification_token" varchar(64) not null, "history" jsonb not null, primary key ("number"));`);
    this.addSql(`alter table "certificate" add constraint "certificate_application_id_unique" unique ("application_id");`);
    this.addSql(`create index "certificate_iec_index" on "certificate" ("iec");`);

    this.addSql(`create table "exporter_account" ("iec" varchar(10) not null, "firm_name" varchar(255) not null, "status" varchar(20) not null, "master_user_id" varchar(40) not null, "registered_by" varchar(120) not null, "workflow_id" varchar(80) not null, "registered_at" timestamptz not null, primary key ("iec"));`);

    this.addSql(`create table "exporter_user" ("id" varchar(40) not null, "iec" varchar(10) not null, "role" varchar(12) not null, "name" varchar(255) not null, "email" varchar(255) not null, "mobile" varchar(30) not null, "status" varchar(20) not null, "mapped_by" varchar(120) not null, "mapped_at" timestamptz not null, "activated_at" timestamptz null, "removed_at" timestamptz null, "removed_by" varchar(120) null, primary key ("id"));`);
    this.addSql(`create index "exporter_user_iec_index" on "exporter_user" ("iec");`);

    this.addSql(`create table "notification" ("id" bigserial primary key, "notification_key" varchar(200) not null, "channel" varchar(10) not null, "recipient" varchar(255) not null, "subject" varchar(255) null, "body" text not null, "message_id" varchar(255) null, "application_id" varchar(36) null, "template" varchar(60) not null, "sent_at" timestamptz null, "error" text null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "notification" add constraint "notification_notification_key_unique" unique ("notification_key");`);
    this.addSql(`create index "notification_application_id_index" on "notification" ("application_id");`);

    this.addSql(`create table "payment" ("order_id" varchar(64) not null, "application_id" varchar(36) not null, "method" varchar(10) not null, "amount_paise" bigint not null, "office_code" varchar(20) not null, "status" varchar(10) not null, "gateway_txn_id" varchar(80) null, "confirmed_via" varchar(20) null, "callbacks_received" int not null default 0, "created_at" timestamptz not null, "paid_at" timestamptz null, primary key ("order_id"));`);
    this.addSql(`create index "payment_application_id_index" on "payment" ("application_id");`);

    this.addSql(`create table "signed_document" ("id" uuid not null, "signing_key" varchar(120) not null, "signing_request_id" uuid null, "user_id" varchar(60) not null, "user_kind" varchar(10) not null, "iec" varchar(10) null, "office_code" varchar(20) null, "purpose" varchar(40) not null, "reference" varchar(80) null, "content" bytea not null, "content_sha256" varchar(64) not null, "method" varchar(8) not null, "signature_base64" text not null, "signer_name" varchar(255) not null, "signer_fingerprint_sha256" varchar(64) not null, "signer_serial_number" varchar(80) not null, "dsc_id" uuid null, "signing_time" timestamptz null, "esign_transaction_id" varchar(100) null, "aadhaar_last4" varchar(4) null, "verified_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "signed_document" add constraint "signed_document_signing_key_unique" unique ("signing_key");`);
    this.addSql(`create index "signed_document_user_id_index" on "signed_document" ("user_id");`);
    this.addSql(`create index "signed_document_iec_index" on "signed_document" ("iec");`);
    this.addSql(`create index "signed_document_office_code_index" on "signed_document" ("office_code");`);

    this.addSql(`create table "signing_request" ("id" uuid not null, "user_id" varchar(60) not null, "user_kind" varchar(10) not null, "iec" varchar(10) null, "office_code" varchar(20) null, "purpose" varchar(40) not null, "reference" varchar(80) null, "content" bytea not null, "content_sha256" varchar(64) not null, "status" varchar(12) not null, "expires_at" timestamptz not null, "esign_transaction_id" varchar(100) null, "signed_document_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "signing_request_user_id_index" on "signing_request" ("user_id");`);
    this.addSql(`create index "signing_request_iec_index" on "signing_request" ("iec");`);
    this.addSql(`create index "signing_request_office_code_index" on "signing_request" ("office_code");`);

    this.addSql(`create table "tax_invoice" ("number" varchar(40) not null, "application_id" varchar(36) not null, "order_id" varchar(64) not null, "iec" varchar(10) not null, "office_code" varchar(20) not null, "supply_type" varchar(20) not null, "lines" jsonb not null, "total_paise" bigint not null, "issued_at" timestamptz not null, primary key ("number"));`);
    this.addSql(`alter table "tax_invoice" add constraint "tax_invoice_application_id_unique" unique ("application_id");`);

    this.addSql(`create table "user_dsc" ("id" uuid not null, "user_id" varchar(60) not null, "user_kind" varchar(10) not null, "iec" varchar(10) null, "fingerprint_sha256" varchar(64) not null, "serial_number" varchar(80) not null, "subject" text not null, "subject_common_name" varchar(255) not null, "issuer" text not null, "not_before" timestamptz not null, "not_after" timestamptz not null, "dsc_class" int null, "certificate_pem" text not null, "status" varchar(12) not null, "challenge_id" uuid not null, "registered_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "user_dsc_user_id_index" on "user_dsc" ("user_id");`);
    this.addSql(`create index "user_dsc_fingerprint_sha256_index" on "user_dsc" ("fingerprint_sha256");`);
    this.addSql(`alter table "user_dsc" add constraint "user_dsc_user_id_fingerprint_sha256_unique" unique ("user_id", "fingerprint_sha256");`);

    this.addSql(`create table "user_identity" ("user_id" varchar(60) not null, "user_kind" varchar(10) not null, "frozen" boolean not null default false, "frozen_at" timestamptz null, "frozen_code" varchar(40) null, "frozen_reason" text null, "frozen_details" jsonb null, "freeze_count" int not null default 0, "unfrozen_at" timestamptz null, "unfrozen_by" varchar(120) null, "unfrozen_reason" text null, "accepted_names" jsonb null, "updated_at" timestamptz not null, primary key ("user_id"));`);

    this.addSql(`create table "wallet_entry" ("id" bigserial primary key, "entry_key" varchar(100) not null, "iec" varchar(10) not null, "office_code" varchar(20) not null, "amount_paise" bigint not null, "balance_after_paise" bigint not null, "reason" varchar(255) not null, "at" timestamptz not null);`);
    this.addSql(`alter table "wallet_entry" add constraint "wallet_entry_entry_key_unique" unique ("entry_key");`);

    this.addSql(`create table "wallet" ("iec" varchar(10) not null, "office_code" varchar(20) not null, "balance_paise" bigint not null, "updated_at" timestamptz not null, primary key ("iec", "office_code"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "certificate" cascade;`);
    this.addSql(`drop table if exists "exporter_account" cascade;`);
    this.addSql(`drop table if exists "exporter_user" cascade;`);
    this.addSql(`drop table if exists "notification" cascade;`);
    this.addSql(`drop table if exists "payment" cascade;`);
    this.addSql(`drop table if exists "signed_document" cascade;`);
    this.addSql(`drop table if exists "signing_request" cascade;`);
    this.addSql(`drop table if exists "tax_invoice" cascade;`);
    this.addSql(`drop table if exists "user_dsc" cascade;`);
    this.addSql(`drop table if exists "user_identity" cascade;`);
    this.addSql(`drop table if exists "wallet_entry" cascade;`);
    this.addSql(`drop table if exists "wallet" cascade;`);
  }

}
