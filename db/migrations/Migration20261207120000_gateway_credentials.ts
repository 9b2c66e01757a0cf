import { Migration } from '@mikro-orm/migrations';

/**
 * Payment gateway parameters out of the reference data's JSON, where the checksum key sat in clear:
 * `gateway_credential` holds them per agency or office, the checksum key encrypted. The keys already in
 * the reference rows are moved there, encrypted, by the next seeding (db/seed.ts, which has the keyring)
 * and then removed from the rows; nothing here can encrypt.
 */
export class Migration20261207120000_gateway_credentials extends Migration {

  override name = 'Migration20261207120000_gateway_credentials';

  override up(): void | Promise<void> {
    this.addSql(`create table "gateway_credential" ("scope" varchar(40) not null, "agency_code" varchar(10) not null, "office_code" varchar(20) null, "merchant_id" varchar(64) not null, "checksum_key_encrypted" jsonb not null, "checksum_key_last4" varchar(4) not null, "updated_by" varchar(120) not null, "updated_at" timestamptz not null, constraint "gateway_credential_pkey" primary key ("scope"));`);
    this.addSql(`create index "gateway_credential_agency_code_index" on "gateway_credential" ("agency_code");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "gateway_credential" cascade;`);
  }

}
