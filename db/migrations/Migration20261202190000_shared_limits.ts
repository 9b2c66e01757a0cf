import { Migration } from '@mikro-orm/migrations';

/** The verification rate limit and the captcha single-use guard move into PostgreSQL: shared by every API process. */
export class Migration20261202190000_shared_limits extends Migration {

  override name = 'Migration20261202190000_shared_limits';

  override up(): void | Promise<void> {
    this.addSql(`create table "rate_limit_bucket" ("scope" varchar(40) not null, "client" varchar(64) not null, "tokens" double precision not null, "at" timestamptz not null, "taken" boolean not null default true, primary key ("scope", "client"));`);
    this.addSql(`create table "captcha_spent" ("id" varchar(32) not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "captcha_spent_expires_at_index" on "captcha_spent" ("expires_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "rate_limit_bucket" cascade;`);
    this.addSql(`drop table if exists "captcha_spent" cascade;`);
  }

}
