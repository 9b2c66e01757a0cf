import { Migration } from '@mikro-orm/migrations';

export class Migration20261121234448_helpdesk extends Migration {

  override name = 'Migration20261121234448_helpdesk';

  override up(): void | Promise<void> {
    this.addSql(`create table "helpdesk_message" ("id" bigserial primary key, "key" varchar(200) not null, "ticket_number" varchar(20) not null, "direction" varchar(4) not null, "kind" varchar(20) not null, "mail_id" uuid null, "message_id" varchar(300) null, "author" varchar(320) not null, "author_name" varchar(200) not null, "text" text not null, "slack_ts" varchar(40) null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "helpdesk_message" add constraint "helpdesk_message_key_unique" unique ("key");`);
    this.addSql(`create index "helpdesk_message_ticket_number_index" on "helpdesk_message" ("ticket_number");`);

    this.addSql(`create table "helpdesk_ticket" ("number" varchar(20) not null, "opening_mail_id" uuid not null, "status" varchar(20) not null, "escalated" boolean not null default false, "escalations" int not null default 0, "escalated_at" timestamptz null, "category" varchar(40) not null, "category_title" varchar(200) not null, "confidence" numeric(4,2) not null, "reasons" jsonb not null, "suspicious" boolean not null default false, "suspicion_reason" text null, "requester_email" varchar(320) not null, "requester_name" varchar(200) not null, "subject" varchar(500) not null, "iec" varchar(10) null, "application_number" varchar(40) null, "exporter_user_id" varchar(40) null, "related_ticket" varchar(20) null, "assignee_id" varchar(60) null, "assignee_name" varchar(200) null, "workflow_id" varchar(80) not null, "slack_channel" varchar(40) null, "slack_ts" varchar(40) null, "thread_message_ids" jsonb not null, "last_inbound_message_id" varchar(300) null, "first_response_at" timestamptz null, "resolved_at" timestamptz null, "resolved_by" varchar(60) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("number"));`);
    this.addSql(`alter table "helpdesk_ticket" add constraint "helpdesk_ticket_opening_mail_id_unique" unique ("opening_mail_id");`);
    this.addSql(`create index "helpdesk_ticket_iec_index" on "helpdesk_ticket" ("iec");`);
    this.addSql(`create index "helpdesk_ticket_application_number_index" on "helpdesk_ticket" ("application_number");`);
    this.addSql(`create index "helpdesk_ticket_status_created_at_index" on "helpdesk_ticket" ("status", "created_at");`);
    this.addSql(`create index "helpdesk_ticket_requester_email_index" on "helpdesk_ticket" ("requester_email");`);

    this.addSql(`create table "inbound_mail" ("id" uuid not null, "dedupe_key" varchar(300) not null, "message_id" varchar(300) null, "mailbox" varchar(200) not null, "uid_validity" bigint not null, "uid" bigint not null, "from_address" varchar(320) null, "subject" varchar(500) null, "size_bytes" int not null, "raw" bytea null, "raw_sha256" varchar(64) null, "status" varchar(12) not null, "outcome" varchar(24) null, "outcome_details" jsonb null, "workflow_id" varchar(400) not null, "received_at" timestamptz not null, "processed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "inbound_mail" add constraint "inbound_mail_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "inbound_mail_outcome_received_at_index" on "inbound_mail" ("outcome", "received_at");`);

    this.addSql(`create table "inbound_mail_copy" ("key" varchar(260) not null, "mailbox" varchar(200) not null, "uid_validity" bigint not null, "uid" bigint not null, "mail_id" uuid not null, "duplicate" boolean not null default false, "seen_at" timestamptz not null, "flagged_at" timestamptz null, primary key ("key"));`);
    this.addSql(`create index "inbound_mail_copy_mail_id_index" on "inbound_mail_copy" ("mail_id");`);

    this.addSql(`create table "mail_ingest_cursor" ("mailbox" varchar(200) not null, "uid_validity" bigint not null, "last_uid" bigint not null, "updated_at" timestamptz not null, primary key ("mailbox"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "helpdesk_message" cascade;`);
    this.addSql(`drop table if exists "helpdesk_ticket" cascade;`);
    this.addSql(`drop table if exists "inbound_mail" cascade;`);
    this.addSql(`drop table if exists "inbound_mail_copy" cascade;`);
    this.addSql(`drop table if exists "mail_ingest_cursor" cascade;`);
  }

}
