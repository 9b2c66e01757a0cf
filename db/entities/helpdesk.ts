import { defineEntity, p } from '@mikro-orm/core';

import type { TicketMessageKind, TicketStatus } from '../../domain/helpdesk/vocabulary.js';
export type { TicketMessageKind, TicketStatus } from '../../domain/helpdesk/vocabulary.js';

/**
 * The read model of a helpdesk ticket (the live state is the `helpdesk-ticket/<number>` workflow's):
 * lists, the Slack message and the API read it; the workflow's activities write it.
 */
export const HelpdeskTicketSchema = defineEntity({
  name: 'HelpdeskTicket',
  tableName: 'helpdesk_ticket',
  indexes: [{ properties: ['status', 'createdAt'] }, { properties: ['requesterEmail'] }],
  properties: {
    number: p.string().length(20).primary(),
    /** the inbound mail that opened it: one ticket per message, however often it is processed */
    openingMailId: p.uuid().unique(),
    status: p.string().length(20).$type<TicketStatus>(),
    escalated: p.boolean().default(false),
    escalations: p.integer().default(0),
    escalatedAt: p.datetime().nullable(),
    category: p.string().length(40),
    categoryTitle: p.string().length(200),
    confidence: p.decimal('number').precision(4).scale(2),
    /** the signals found, for staff */
    reasons: p.json<string[]>(),
    /** a reply to a deficiency address from someone who is not the exporter, or a forged reference */
    suspicious: p.boolean().default(false),
    suspicionReason: p.text().nullable(),
    requesterEmail: p.string().length(320),
    requesterName: p.string().length(200),
    subject: p.string().length(500),
    iec: p.string().length(10).nullable().index(),
    applicationNumber: p.string().length(40).nullable().index(),
    /** the exporter user whose e-mail wrote (for lifting a name-mismatch freeze) */
    exporterUserId: p.string().length(40).nullable(),
    /** the closed ticket this one continues */
    relatedTicket: p.string().length(20).nullable(),
    assigneeId: p.string().length(60).nullable(),
    assigneeName: p.string().length(200).nullable(),
    workflowId: p.string().length(80),
    slackChannel: p.string().length(40).nullable(),
    slackTs: p.string().length(40).nullable(),
    /** Message-IDs of the thread, oldest first: what a reply's References carry */
    threadMessageIds: p.json<string[]>(),
    /** the requester's latest message: a staff reply answers it (In-Reply-To) */
    lastInboundMessageId: p.string().length(300).nullable(),
    firstResponseAt: p.datetime().nullable(),
    resolvedAt: p.datetime().nullable(),
    resolvedBy: p.string().length(60).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class HelpdeskTicket extends HelpdeskTicketSchema.class {}
HelpdeskTicketSchema.setClass(HelpdeskTicket);

/** Every message of a ticket, in and out, and the events staff see in its history. */
export const HelpdeskMessageSchema = defineEntity({
  name: 'HelpdeskMessage',
  tableName: 'helpdesk_message',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    /** idempotency: `in/<mail id>`, `out/<seq>`, `escalation/<n>`… per ticket */
    key: p.string().length(200).unique(),
    ticketNumber: p.string().length(20).index(),
    direction: p.string().length(4).$type<'in' | 'out' | 'note'>(),
    kind: p.string().length(20).$type<TicketMessageKind>(),
    mailId: p.uuid().nullable(),
    messageId: p.string().length(300).nullable(),
    author: p.string().length(320),
    authorName: p.string().length(200),
    text: p.text(),
    /** its note in the ticket's Slack thread, once posted */
    slackTs: p.string().length(40).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class HelpdeskMessage extends HelpdeskMessageSchema.class {}
HelpdeskMessageSchema.setClass(HelpdeskMessage);
