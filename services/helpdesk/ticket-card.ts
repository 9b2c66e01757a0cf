import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, IecRecord, UserIdentityState } from '../../db/entities/index.js';
import { HelpdeskMessage, HelpdeskTicket } from '../../db/entities/helpdesk.js';
import type { TicketCard } from '../../channels/slack-helpdesk/blocks.js';

/** What the helpdesk channel shows of a ticket, from the read model (ticket, exporter, application, freeze). */
export async function loadTicketCard(em: EntityManager, ticketNumber: string): Promise<TicketCard | null> {
  const t = await em.findOne(HelpdeskTicket, { number: ticketNumber }, { refresh: true });
  if (!t) return null;
  const opening = await em.findOne(HelpdeskMessage, { key: `${t.number}/in/${t.openingMailId}` });
  const iec = t.iec ? await em.findOne(IecRecord, { iec: t.iec }) : null;
  const app = t.applicationNumber ? await em.findOne(ApplicationRow, { $or: [{ number: t.applicationNumber }, { fileNumber: t.applicationNumber }] }) : null;
  const identity = t.exporterUserId ? await em.findOne(UserIdentityState, { userId: t.exporterUserId }, { refresh: true }) : null;
  return {
    ticketNumber: t.number,
    status: t.status,
    category: t.category,
    categoryTitle: t.categoryTitle,
    confidence: t.confidence,
    suspicious: t.suspicious,
    suspicionReason: t.suspicionReason ?? null,
    requester: { email: t.requesterEmail, name: t.requesterName },
    subject: t.subject,
    excerpt: (opening?.text ?? '').slice(0, 1500),
    iec: t.iec ?? null,
    exporterName: iec?.firmName ?? null,
    applicationNumber: t.applicationNumber ?? null,
    applicationStatus: app?.status ?? null,
    exporterUserId: t.exporterUserId ?? null,
    userFrozen: identity?.frozen ?? false,
    assignee: t.assigneeId ? { id: t.assigneeId, name: t.assigneeName ?? t.assigneeId } : null,
    escalated: t.escalated,
    escalations: t.escalations,
    createdAt: t.createdAt.toISOString(),
    relatedTicket: t.relatedTicket ?? null,
  };
}
