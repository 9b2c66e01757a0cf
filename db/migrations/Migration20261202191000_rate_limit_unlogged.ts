import { Migration } from '@mikro-orm/migrations';

/**
 * Rate-limit buckets are worth nothing after a crash (a client gets a full bucket again): an unlogged
 * table writes no WAL, so a request's bucket update costs no disk flush.
 */
export class Migration20261202191000_rate_limit_unlogged extends Migration {

  override name = 'Migration20261202191000_rate_limit_unlogged';

  override up(): void | Promise<void> {
    this.addSql(`alter table "rate_limit_bucket" set unlogged;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "rate_limit_bucket" set logged;`);
  }

}
