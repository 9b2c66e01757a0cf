import { Migration } from '@mikro-orm/migrations';

/**
 * The officer's Slack message is refreshed by the application workflow's own activity, with a version
 * per transition: the sweep's bookkeeping (needs_sync, reminders sent per wait) goes, the version comes.
 */
export class Migration20261202170000_slack_message_version extends Migration {

  override name = 'Migration20261202170000_slack_message_version';

  override up(): void | Promise<void> {
    this.addSql(`drop index if exists "slack_message_needs_sync_index";`);
    this.addSql(`alter table "slack_message" add column "rendered_version" int not null default 0, drop column "needs_sync", drop column "sync_error", drop column "reminded_for", drop column "escalated_for", drop column "escalation_note";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "slack_message" drop column "rendered_version", add column "needs_sync" boolean not null default false, add column "sync_error" text null, add column "reminded_for" timestamptz null, add column "escalated_for" timestamptz null, add column "escalation_note" text null;`);
    this.addSql(`create index "slack_message_needs_sync_index" on "slack_message" ("needs_sync");`);
  }

}
