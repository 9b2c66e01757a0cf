import { Migration } from '@mikro-orm/migrations';

/**
 * Officers see only what the exporter signed: `attachment.submitted`. Files already stored keep what
 * they were part of: an application's files are submitted with it; a deficiency-response file is
 * submitted only when a signed clarification lists it, the others (unsigned attempts, replies superseded
 * by a later signed one) are kept as not submitted.
 */
export class Migration20261202192000_attachment_submitted extends Migration {

  override name = 'Migration20261202192000_attachment_submitted';

  override up(): void | Promise<void> {
    this.addSql(`alter table "attachment" add "submitted" boolean not null default false;`);
    this.addSql(`update "attachment" a set "submitted" = true where a."purpose" <> 'deficiency-response' or exists (
      select 1 from "signed_version" s, jsonb_array_elements(case when jsonb_typeof(s."content"->'attachments') = 'array' then s."content"->'attachments' else '[]'::jsonb end) f
      where s."application_id" = a."application_id" and s."purpose" = 'clarification' and f->>'id' = a."id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "attachment" drop column "submitted";`);
  }

}
