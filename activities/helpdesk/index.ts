import type { HelpdeskActivityDeps } from '../../services/helpdesk/deps.js';
import { createTicketActivities } from './ticket-activities.js';

export type { HelpdeskActivityDeps, HelpdeskSettings, HelpdeskSlack } from '../../services/helpdesk/deps.js';

/** The activities of the helpdeskTicket workflow (workflows/helpdesk-ticket). */
export function createHelpdeskActivities(deps: HelpdeskActivityDeps) {
  return createTicketActivities(deps);
}
