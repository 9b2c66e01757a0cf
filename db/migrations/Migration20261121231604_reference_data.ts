import { Migration } from '@mikro-orm/migrations';

export class Migration20261121231604_reference_data extends Migration {

  override name = 'Migration20261121231604_reference_data';

  override up(): void | Promise<void> {
    this.addSql(`create table "agency_office" ("code" varchar(20) not null, "agency_code" varchar(10) not null, "name" varchar(255) not null, "state" varchar(255) not null, "active" boolean not null, "slack_channel" varchar(255) null, "data" jsonb not null, primary key ("code"));`);
    this.addSql(`create index "agency_office_agency_code_index" on "agency_office" ("agency_code");`);

    this.addSql(`create table "fee_schedule" ("id" serial primary key, "agency_code" varchar(10) not null, "agreement_key" varchar(10) not null, "kind" varchar(20) not null, "data" jsonb not null);`);
    this.addSql(`alter table "fee_schedule" add constraint "fee_schedule_agency_code_agreement_key_kind_unique" unique ("agency_code", "agreement_key", "kind");`);

    this.addSql(`create table "issuing_agency" ("code" varchar(10) not null, "name" varchar(255) not null, "notified_agreements" jsonb not null, "data" jsonb not null, primary key ("code"));`);

    this.addSql(`create table "staff_user" ("id" varchar(60) not null, "role" varchar(20) not null, "name" varchar(255) not null, "email" varchar(255) not null, "designation" varchar(255) not null, "agency_code" varchar(10) null, "office_code" varchar(20) null, "active" boolean not null default true, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "staff_user_office_code_index" on "staff_user" ("office_code");`);

    this.addSql(`create table "trade_agreement" ("code" varchar(10) not null, "title" varchar(255) not null, "active" boolean not null, "data" jsonb not null, primary key ("code"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "agency_office" cascade;`);
    this.addSql(`drop table if exists "fee_schedule" cascade;`);
    this.addSql(`drop table if exists "issuing_agency" cascade;`);
    this.addSql(`drop table if exists "staff_user" cascade;`);
    this.addSql(`drop table if exists "trade_agreement" cascade;`);
  }

}
