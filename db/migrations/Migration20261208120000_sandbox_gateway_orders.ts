import { Migration } from '@mikro-orm/migrations';

/**
 * The sandbox payment gateway's orders (`sandbox_gateway_order`, development and tests): in PostgreSQL rather
 * than the API's memory, so an order survives a restart of the API and is shared by every API process.
 */
export class Migration20261208120000_sandbox_gateway_orders extends Migration {

  override name = 'Migration20261208120000_sandbox_gateway_orders';

  override up(): void | Promise<void> {
    this.addSql(`create table "sandbox_gateway_order" ("order_id" varchar(64) not null, "merchant_id" varchar(64) not null, "amount_paise" bigint not null, "description" text not null, "callback_url" text not null, "return_url" text not null, "status" varchar(10) not null, "gateway_txn_id" varchar(80) null, "callbacks" int not null default 0, "created_at" timestamptz not null, constraint "sandbox_gateway_order_pkey" primary key ("order_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sandbox_gateway_order" cascade;`);
  }

}
