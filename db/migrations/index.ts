import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261207140000_office_eseals } from './Migration20261207140000_office_eseals.js';
import { Migration20261208120000_sandbox_gateway_orders } from './Migration20261208120000_sandbox_gateway_orders.js';
import { Migration20261208140000_esign_signatures } from './Migration20261208140000_esign_signatures.js';
import { Migration20261207121000_certificate_images } from './Migration20261207121000_certificate_images.js';
import { Migration20261207130000_wallet_topups } from './Migration20261207130000_wallet_topups.js';
import { Migration20261207131000_staff_registrations } from './Migration20261207131000_staff_registrations.js';
import { Migration20261207120000_gateway_credentials } from './Migration20261207120000_gateway_credentials.js';
import { Migration20261207100000_certificate_life } from './Migration20261207100000_certificate_life.js';
import { Migration20261202192000_attachment_submitted } from './Migration20261202192000_attachment_submitted.js';
import { Migration20261202191000_rate_limit_unlogged } from './Migration20261202191000_rate_limit_unlogged.js';
import { Migration20261202190000_shared_limits } from './Migration20261202190000_shared_limits.js';
import { Migration20261202180000_kept_answers } from './Migration20261202180000_kept_answers.js';
import { Migration20261202170000_slack_message_version } from './Migration20261202170000_slack_message_version.js';
import { Migration20261122110000_certificate_officer_signature } from './Migration20261122110000_certificate_officer_signature.js';
import { Migration20261122100000_tax_invoice_pdf } from './Migration20261122100000_tax_invoice_pdf.js';
import { Migration20261121234448_helpdesk } from './Migration20261121234448_helpdesk.js';
import { Migration20261121234432_slack } from './Migration20261121234432_slack.js';
import { Migration20261121232454_identity } from './Migration20261121232454_identity.js';
import { Migration20261121231859_applications } from './Migration20261121231859_applications.js';
import { Migration20261121231604_reference_data } from './Migration20261121231604_reference_data.js';
import { Migration20261121230419_initial } from './Migration20261121230419_initial.js';

/** Every committed migration, in order. `npm run db:migration:create` appends to this list. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261121230419_initial', class: Migration20261121230419_initial },
  { name: 'Migration20261121231604_reference_data', class: Migration20261121231604_reference_data },
  { name: 'Migration20261121231859_applications', class: Migration20261121231859_applications },
  { name: 'Migration20261121232454_identity', class: Migration20261121232454_identity },
  { name: 'Migration20261121234432_slack', class: Migration20261121234432_slack },
  { name: 'Migration20261121234448_helpdesk', class: Migration20261121234448_helpdesk },
  { name: 'Migration20261122100000_tax_invoice_pdf', class: Migration20261122100000_tax_invoice_pdf },
  { name: 'Migration20261122110000_certificate_officer_signature', class: Migration20261122110000_certificate_officer_signature },
  { name: 'Migration20261202170000_slack_message_version', class: Migration20261202170000_slack_message_version },
  { name: 'Migration20261202180000_kept_answers', class: Migration20261202180000_kept_answers },
  { name: 'Migration20261202190000_shared_limits', class: Migration20261202190000_shared_limits },
  { name: 'Migration20261202191000_rate_limit_unlogged', class: Migration20261202191000_rate_limit_unlogged },
  { name: 'Migration20261202192000_attachment_submitted', class: Migration20261202192000_attachment_submitted },
  { name: 'Migration20261207100000_certificate_life', class: Migration20261207100000_certificate_life },
  { name: 'Migration20261207120000_gateway_credentials', class: Migration20261207120000_gateway_credentials },
  { name: 'Migration20261207121000_certificate_images', class: Migration20261207121000_certificate_images },
  { name: 'Migration20261207130000_wallet_topups', class: Migration20261207130000_wallet_topups },
  { name: 'Migration20261207131000_staff_registrations', class: Migration20261207131000_staff_registrations },
  { name: 'Migration20261207140000_office_eseals', class: Migration20261207140000_office_eseals },
  { name: 'Migration20261208120000_sandbox_gateway_orders', class: Migration20261208120000_sandbox_gateway_orders },
  { name: 'Migration20261208140000_esign_signatures', class: Migration20261208140000_esign_signatures },
];
