import type { StaffRef } from '../../workflows/helpdesk-ticket/contract.js';
import type { TicketCard } from './blocks.js';

export type ActionResult = { ok: true; message?: string } | { ok: false; code: string; message: string };

/**
 * What the helpdesk bot needs; the production implementation (temporal-backend.ts) maps the actions
 * onto the ticket workflow's Updates, with the idempotency key as the Update ID.
 */
export interface HelpdeskBackend {
  /** the staff user a Slack user acts as, or null (not staff, or not found) */
  staffForSlackUser(teamId: string, slackUserId: string): Promise<StaffRef | null>;
  card(ticketNumber: string): Promise<TicketCard | null>;
  take(ticketNumber: string, staff: StaffRef, key: string): Promise<ActionResult>;
  reply(ticketNumber: string, staff: StaffRef, input: { body: string; resolve: boolean }, key: string): Promise<ActionResult>;
  resolve(ticketNumber: string, staff: StaffRef, key: string): Promise<ActionResult>;
  liftFreeze(ticketNumber: string, staff: StaffRef, input: { userId: string; reason: string; acceptCertificateName: boolean }, key: string): Promise<ActionResult>;
}
