import { Migration } from '@mikro-orm/migrations';

/** Offices' stamps and officers' signatures, uploaded by the agency's administrator (issue 12), in the database every worker reads. */
export class Migration20261207121000_certificate_images extends Migration {

  override name = 'Migration20261207121000_certificate_images';

  override up(): void | Promise<void> {
    this.addSql(`create table "certificate_image" ("kind" varchar(10) not null, "owner" varchar(60) not null, "png" bytea not null, "sha256" varchar(64) not null, "width" int not null, "height" int not null, "background_removed" boolean not null, "uploaded_by" varchar(120) not null, "uploaded_at" timestamptz not null, constraint "certificate_image_pkey" primary key ("kind", "owner"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "certificate_image" cascade;`);
  }

}
