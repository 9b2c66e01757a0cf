/**
 * The helpdesk's and the mail ingester's vocabularies, defined once for the workflow contracts, the read
 * model, the API and the Slack bot.
 */

/**
 * new: waiting on staff, nobody took it · assigned: taken, still waiting on staff · waiting-requester:
 * staff answered · resolved: closed by staff, reopens on a reply · closed: the workflow ended.
 */
export type TicketStatus = 'new' | 'assigned' | 'waiting-requester' | 'resolved' | 'closed';

/** What a line of a ticket's history is (notice: an automatic mail to the requester, e.g. closed for want of a reply). */
export type TicketMessageKind = 'mail' | 'acknowledgement' | 'reply' | 'notice' | 'escalation' | 'event';

/** Where an inbound message stands: stored, handed to its workflow, or finished with an outcome. */
export type InboundMailStatus = 'received' | 'processing' | 'done';

/**
 * What became of an inbound message. The IMAP keyword set on the message says the same
 * (workers/mail-ingester/flags.ts), so people reading the mailbox see it too.
 *
 * `malformed` is the quarantine: not an e-mail, or MIME that is damaged or hostile (a multipart not
 * closed, invalid base64, a refused attachment name); its raw bytes are kept, nothing in it is used (no
 * ticket, no deficiency response, no stored file), and the sender is told what was wrong and what to do.
 */
export type InboundMailOutcome =
  | 'ticket'
  | 'ticket-message'
  | 'suspicious'
  | 'deficiency-response'
  | 'deficiency-signed'
  | 'deficiency-problems'
  | 'deficiency-refused'
  | 'malformed'
  | 'too-large'
  | 'ignored';
