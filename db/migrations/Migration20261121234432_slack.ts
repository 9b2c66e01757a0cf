import { Migration } from '@mikro-orm/migrations';

export class Migration20261121234432_slack extends Migration {

  override name = 'Migration20261121234432_slack';

  override up(): void | Promise<void> {
    this.addSql(`create table "slack_link_code" ("code_hash" varchar(64) not null, "staff_user_id" varchar(60) not null, "slack_user_id" varchar(20) null, "issued_by" varchar(60) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "used_by_slack_user" varchar(20) null, "created_at" timestamptz not null, primary key ("code_hash"));`);
    this.addSql(`create index "slack_link_code_staff_user_id_index" on "slack_link_code" ("staff_user_id");`);

    this.addSql(`create table "slack_link_failure" ("who" varchar(50) not null, "failures" int not null, "first_failure_at" timestamptz not null, primary key ("who"));`);

    this.addSql(`create table "slack_message" ("application_number" varchar(40) not null, "channel" varchar(20) null, "ts" varchar(30) null, "rendered_status" varchar(30) null, "needs_sync" boolean not null default false, "sync_error" text null, "reminded_for" timestamptz null, "escalated_for" timestamptz null, "escalation_note" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("application_number"));`);
    this.addSql(`create index "slack_message_needs_sync_index" on "slack_message" ("needs_sync");`);

    this.addSql(`create table "slack_user_link" ("slack_user_id" varchar(20) not null, "team_id" varchar(20) null, "staff_user_id" varchar(60) not null, "via" varchar(10) not null, "linked_by" varchar(60) not null, "created_at" timestamptz not null, primary key ("slack_user_id"));`);
    this.addSql(`alter table "slack_user_link" add constraint "slack_user_link_staff_user_id_unique" unique ("staff_user_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "slack_link_code" cascade;`);
    this.addSql(`drop table if exists "slack_link_failure" cascade;`);
    this.addSql(`drop table if exists "slack_message" cascade;`);
    this.addSql(`drop table if exists "slack_user_link" cascade;`);
  }

}
