import { Migration } from '@mikro-orm/migrations';

/** The tax invoice keeps the full GST breakdown it was issued with, and its (e-sealed) PDF. */
export class Migration20261122100000_tax_invoice_pdf extends Migration {

  override name = 'Migration20261122100000_tax_invoice_pdf';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tax_invoice" add column "document" jsonb null, add column "pdf" bytea null, add column "pdf_sha256" varchar(64) null, add column "sealed_by" varchar(200) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "tax_invoice" drop column "document", drop column "pdf", drop column "pdf_sha256", drop column "sealed_by";`);
  }

}
