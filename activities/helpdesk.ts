import type { HelpdeskActivityDeps } from '../services/helpdesk/deps.js';
import { createTicketService } from '../services/helpdesk/tickets.js';
import { asActivities } from './failure.js';

export type { HelpdeskActivityDeps, HelpdeskSettings, HelpdeskSlack } from '../services/helpdesk/deps.js';

/** The activities of the helpdeskTicket workflow (workflows/helpdesk-ticket), over the ticket service. */
export function createHelpdeskActivities(deps: HelpdeskActivityDeps) {
  const tickets = createTicketService(deps);
  return asActivities({
    openTicket: tickets.openTicket,
    saveTicket: tickets.saveTicket,
    showTicketInSlack: tickets.showTicketInSlack,
    sendTicketAcknowledgement: tickets.sendTicketAcknowledgement,
    sendTicketReply: tickets.sendTicketReply,
    sendTicketClosedNoReply: tickets.sendTicketClosedNoReply,
    recordTicketMail: tickets.recordTicketMail,
    escalateTicket: tickets.escalateTicket,
    liftNameMismatchFreeze: tickets.liftNameMismatchFreeze,
  });
}
