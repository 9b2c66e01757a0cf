import { Migration } from '@mikro-orm/migrations';

export class Migration20261121230419_initial extends Migration {

  override name = 'Migration20261121230419_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_event" ("id" bigserial primary key, "event_key" varchar(255) not null, "subject_type" varchar(40) not null, "subject_id" varchar(80) not null, "action" varchar(60) not null, "actor" varchar(120) not null, "channel" varchar(20) not null, "details" jsonb null, "at" timestamptz not null);`);
    this.addSql(`alter table "audit_event" add constraint "audit_event_event_key_unique" unique ("event_key");`);
    this.addSql(`create index "audit_event_subject_id_index" on "audit_event" ("subject_id");`);

    this.addSql(`create table "iec_change" ("id" bigserial primary key, "iec" varchar(10) not null, "refresh_id" varchar(255) not null, "changes" jsonb not null, "at" timestamptz not null);`);
    this.addSql(`create index "iec_change_iec_index" on "iec_change" ("iec");`);
    this.addSql(`alter table "iec_change" add constraint "iec_change_refresh_id_unique" unique ("refresh_id");`);

    this.addSql(`create table "iec_record" ("iec" varchar(10) not null, "firm_name" varchar(255) not null, "status" varchar(20) not null, "data" jsonb not null, "data_hash" varchar(64) not null, "source" varchar(20) not null, "fetched_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("iec"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_event" cascade;`);
    this.addSql(`drop table if exists "iec_change" cascade;`);
    this.addSql(`drop table if exists "iec_record" cascade;`);
  }

}
