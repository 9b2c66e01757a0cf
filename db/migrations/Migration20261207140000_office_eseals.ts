import { Migration } from '@mikro-orm/migrations';

/** Offices' e-seals (PKCS#12 and password, both encrypted), uploaded by the agency's administrator (issue 12). */
export class Migration20261207140000_office_eseals extends Migration {

  override name = 'Migration20261207140000_office_eseals';

  override up(): void | Promise<void> {
    this.addSql(`create table "office_eseal" ("office_code" varchar(20) not null, "sealed_p12" jsonb not null, "sealed_password" jsonb not null, "subject_cn" varchar(200) not null, "serial_number" varchar(80) not null, "issuer" varchar(300) not null, "not_before" timestamptz not null, "not_after" timestamptz not null, "uploaded_by" varchar(120) not null, "uploaded_at" timestamptz not null, constraint "office_eseal_pkey" primary key ("office_code"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "office_eseal" cascade;`);
  }

}
