import { Migration } from '@mikro-orm/migrations';

/** Offices where the issuing officer signs certificates with a DSC: the prepared PDF waits in the row. */
export class Migration20261122110000_certificate_officer_signature extends Migration {

  override name = 'Migration20261122110000_certificate_officer_signature';

  override up(): void | Promise<void> {
    this.addSql(`alter table "certificate" add column "prepared_pdf" bytea null, add column "signing_content_sha256" varchar(64) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "certificate" drop column "prepared_pdf", drop column "signing_content_sha256";`);
  }

}
