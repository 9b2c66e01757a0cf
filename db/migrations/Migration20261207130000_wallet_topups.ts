import { Migration } from '@mikro-orm/migrations';

/**
 * E-wallet top-ups through the payment gateway (`wallet_topup`), the statement's kind and reference on each
 * ledger entry, the statement's index, and the audit trail's index for newest-first reading.
 */
export class Migration20261207130000_wallet_topups extends Migration {

  override name = 'Migration20261207130000_wallet_topups';

  override up(): void | Promise<void> {
    this.addSql(`create table "wallet_topup" ("order_id" varchar(64) not null, "iec" varchar(10) not null, "office_code" varchar(20) not null, "amount_paise" bigint not null, "status" varchar(10) not null, "requested_by" varchar(120) not null, "gateway_txn_id" varchar(80) null, "confirmed_via" varchar(20) null, "callbacks_received" int not null default 0, "created_at" timestamptz not null, "settled_at" timestamptz null, constraint "wallet_topup_pkey" primary key ("order_id"));`);
    this.addSql(`create index "wallet_topup_iec_office_code_index" on "wallet_topup" ("iec", "office_code");`);
    this.addSql(`create index "wallet_topup_open_index" on "wallet_topup" ("created_at") where "status" = 'open';`);
    this.addSql(`alter table "wallet_entry" add column "kind" varchar(20) null, add column "reference" varchar(100) null;`);
    this.addSql(`create index "wallet_entry_iec_office_code_id_index" on "wallet_entry" ("iec", "office_code", "id");`);
    this.addSql(`create index "audit_event_at_index" on "audit_event" ("at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "audit_event_at_index";`);
    this.addSql(`drop index if exists "wallet_entry_iec_office_code_id_index";`);
    this.addSql(`alter table "wallet_entry" drop column if exists "kind", drop column if exists "reference";`);
    this.addSql(`drop table if exists "wallet_topup" cascade;`);
  }

}
