import { Migration } from '@mikro-orm/migrations';

/** First answers to requests sent with an Idempotency-Key, kept past the workflow's completion. */
export class Migration20261202180000_kept_answers extends Migration {

  override name = 'Migration20261202180000_kept_answers';

  override up(): void | Promise<void> {
    this.addSql(`create table "kept_answer" ("scope" varchar(300) not null, "status" int not null, "body" jsonb not null, "created_at" timestamptz not null, primary key ("scope"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "kept_answer" cascade;`);
  }

}
