import { Migration } from '@mikro-orm/migrations';

/**
 * Where an officer's registration request was posted in Slack (the channel of the office asked for), so
 * the message can be rewritten with the decision, whichever way it was taken (Slack or the API).
 */
export class Migration20261208100000_staff_registration_slack extends Migration {

  override name = 'Migration20261208100000_staff_registration_slack';

  override up(): void | Promise<void> {
    this.addSql(`alter table "staff_registration" add column "slack_channel" varchar(20) null, add column "slack_ts" varchar(40) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "staff_registration" drop column if exists "slack_channel", drop column if exists "slack_ts";`);
  }

}
