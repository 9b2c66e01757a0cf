import type { HelpdeskActivityDeps } from './deps.js';
import { createTicketActivities } from './ticket-activities.js';

export type { HelpdeskActivityDeps, HelpdeskSettings, HelpdeskSlack } from './deps.js';

/** The activities of the helpdeskTicket workflow (workflows/helpdesk-ticket). */
export function createHelpdeskActivities(deps: HelpdeskActivityDeps) {
  return createTicketActivities(deps);
}
