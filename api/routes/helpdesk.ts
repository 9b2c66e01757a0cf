/**
 * The helpdesk over HTTP: tickets (list, detail with the thread and the live workflow state) and the
 * same actions as the Slack buttons (take, reply by e-mail, resolve, lift a name-mismatch freeze), all
 * through the ticket workflow's Updates; and the inbound mail log (every message the ingester took,
 * with its outcome, and its raw bytes for the record).
 */
import type { Request } from 'express';
import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import { HelpdeskMessage, HelpdeskTicket, InboundMail } from '../../db/entities/index.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Principal } from '../../lib/auth/roles.js';
import { helpdeskRolesFor, mayDoHelpdeskAction, type HelpdeskAction } from '../../domain/helpdesk/access.js';
import {
  helpdeskTicketWorkflowId,
  liftFreezeUpdate,
  replyTicketUpdate,
  resolveTicketUpdate,
  takeTicketUpdate,
  ticketStateQuery,
  type StaffRef,
} from '../../workflows/helpdesk-ticket/contract.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';
import { workflowErrorToAppError } from '../http/workflow-errors.js';

const numberParam = z.object({ number: z.string().regex(/^HD-\d{4}-\d{6}$/, 'A ticket number such as HD-2026-000001.').describe('Ticket number') });

const ticketSchema = z.object({
  number: z.string(),
  status: z.string(),
  category: z.string(),
  categoryTitle: z.string(),
  confidence: z.number(),
  suspicious: z.boolean(),
  suspicionReason: z.string().nullable(),
  requester: z.object({ email: z.string(), name: z.string() }),
  subject: z.string(),
  iec: z.string().nullable(),
  applicationNumber: z.string().nullable(),
  exporterUserId: z.string().nullable(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  escalated: z.boolean(),
  escalations: z.number(),
  relatedTicket: z.string().nullable(),
  workflowId: z.string(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});

function ticketView(t: HelpdeskTicket) {
  return {
    number: t.number,
    status: t.status,
    category: t.category,
    categoryTitle: t.categoryTitle,
    confidence: Number(t.confidence),
    suspicious: t.suspicious,
    suspicionReason: t.suspicionReason ?? null,
    requester: { email: t.requesterEmail, name: t.requesterName },
    subject: t.subject,
    iec: t.iec ?? null,
    applicationNumber: t.applicationNumber ?? null,
    exporterUserId: t.exporterUserId ?? null,
    assignee: t.assigneeId ? { id: t.assigneeId, name: t.assigneeName ?? t.assigneeId } : null,
    escalated: t.escalated,
    escalations: t.escalations,
    relatedTicket: t.relatedTicket ?? null,
    workflowId: t.workflowId,
    createdAt: t.createdAt.toISOString(),
    resolvedAt: t.resolvedAt?.toISOString() ?? null,
  };
}

/** The caller as the ticket workflow sees them, with the role that lets them do `action` (the route checked it). */
function staffOf(p: Principal, action: HelpdeskAction): StaffRef {
  return { id: p.sub, name: p.name, role: p.roles.find((r) => mayDoHelpdeskAction(action, [r])) ?? p.roles[0] ?? '', channel: 'api' };
}

function updateId(req: Request, what: string): { updateId?: string } {
  const k = req.headers['idempotency-key'];
  return typeof k === 'string' && /^[\w.:-]{8,100}$/.test(k) ? { updateId: `${what}:${k}` } : {};
}

export function helpdeskRoutes(deps: ApiDeps) {
  const handle = (n: string) => deps.temporal.workflow.getHandle(helpdeskTicketWorkflowId(n));
  const call = async <T>(n: string, fn: () => Promise<T>): Promise<T> => {
    const t = await deps.orm.em.fork().findOne(HelpdeskTicket, { number: n });
    if (!t) throw new AppError(ErrorCode.NotFound, `Ticket ${n} does not exist.`);
    try {
      return await fn();
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw new AppError(ErrorCode.IllegalTransition, `Ticket ${n} is closed.`);
      throw workflowErrorToAppError(e);
    }
  };
  const stateOut = z.object({ ticketNumber: z.string(), status: z.string() }).loose();

  return [
    defineRoute({
      method: 'get',
      path: '/v1/helpdesk/tickets',
      operationId: 'listHelpdeskTickets',
      summary: 'Helpdesk tickets, newest first (filters: status, category, suspicious, IEC, application)',
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('list'),
      query: z.object({
        status: z.enum(['new', 'assigned', 'waiting-requester', 'resolved', 'closed']).optional(),
        category: z.string().max(40).optional(),
        suspicious: z.enum(['true', 'false']).optional(),
        iec: z.string().max(10).optional(),
        applicationNumber: z.string().max(40).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      responses: { 200: { description: 'tickets', schema: z.object({ total: z.number(), items: z.array(ticketSchema) }) } },
      handler: async ({ query }) => {
        const where: Record<string, unknown> = {};
        if (query.status) where.status = query.status;
        if (query.category) where.category = query.category;
        if (query.suspicious) where.suspicious = query.suspicious === 'true';
        if (query.iec) where.iec = query.iec;
        if (query.applicationNumber) where.applicationNumber = query.applicationNumber;
        const [items, total] = await deps.orm.em.fork().findAndCount(HelpdeskTicket, where, { orderBy: { createdAt: 'desc' }, limit: query.limit, offset: query.offset });
        return { total, items: items.map(ticketView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/helpdesk/tickets/:number',
      operationId: 'getHelpdeskTicket',
      summary: 'A ticket with its messages and events, and the live state of its workflow',
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('read'),
      params: numberParam,
      responses: {
        200: {
          description: 'the ticket',
          schema: ticketSchema.extend({
            messages: z.array(z.object({ direction: z.string(), kind: z.string(), author: z.string(), authorName: z.string(), messageId: z.string().nullable(), text: z.string(), at: z.string() })),
            live: stateOut.nullable(),
          }),
        },
      },
      handler: async ({ params }) => {
        const em = deps.orm.em.fork();
        const t = await em.findOne(HelpdeskTicket, { number: params.number });
        if (!t) throw new AppError(ErrorCode.NotFound, `Ticket ${params.number} does not exist.`);
        const messages = await em.find(HelpdeskMessage, { ticketNumber: t.number }, { orderBy: { id: 'asc' } });
        const live = await handle(t.number)
          .query(ticketStateQuery)
          .catch(() => null);
        return {
          ...ticketView(t),
          messages: messages.map((m) => ({ direction: m.direction, kind: m.kind, author: m.author, authorName: m.authorName, messageId: m.messageId ?? null, text: m.text, at: m.createdAt.toISOString() })),
          live,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/helpdesk/tickets/:number/take',
      operationId: 'takeHelpdeskTicket',
      summary: 'Take a ticket (or take it over)',
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('take'),
      params: numberParam,
      responses: { 200: { description: 'the ticket state', schema: stateOut } },
      handler: ({ params, principal, req }) => call(params.number, () => handle(params.number).executeUpdate(takeTicketUpdate, { args: [staffOf(principal!, 'take')], ...updateId(req, 'take') })),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/helpdesk/tickets/:number/reply',
      operationId: 'replyToHelpdeskTicket',
      summary: "Answer the requester by e-mail, in the ticket's thread (optionally resolving it)",
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('reply'),
      params: numberParam,
      body: z.object({ body: z.string().trim().min(2).max(10_000), resolve: z.boolean().default(false) }),
      responses: { 200: { description: 'the ticket state', schema: stateOut } },
      handler: ({ params, body, principal, req }) =>
        call(params.number, () => handle(params.number).executeUpdate(replyTicketUpdate, { args: [{ staff: staffOf(principal!, 'reply'), body: body.body, resolve: body.resolve }], ...updateId(req, 'reply') })),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/helpdesk/tickets/:number/resolve',
      operationId: 'resolveHelpdeskTicket',
      summary: 'Mark a ticket resolved (a reply from the requester reopens it)',
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('resolve'),
      params: numberParam,
      body: z.object({ note: z.string().trim().max(1000).optional() }),
      responses: { 200: { description: 'the ticket state', schema: stateOut } },
      handler: ({ params, body, principal, req }) =>
        call(params.number, () => handle(params.number).executeUpdate(resolveTicketUpdate, { args: [{ staff: staffOf(principal!, 'resolve'), ...(body.note ? { note: body.note } : {}) }], ...updateId(req, 'resolve') })),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/helpdesk/tickets/:number/lift-freeze',
      operationId: 'liftNameMismatchFreezeFromTicket',
      summary: "Lift a user's name-mismatch freeze from a ticket (identity module's unfreeze; reason recorded)",
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('lift-freeze'),
      params: numberParam,
      body: z.object({
        userId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/).optional().describe("default: the exporter user linked to the ticket"),
        reason: z.string().trim().min(10).max(1000),
        acceptCertificateName: z.boolean().default(false),
      }),
      responses: { 200: { description: 'unfrozen', schema: z.object({ userId: z.string(), unfrozenAt: z.string() }) } },
      handler: ({ params, body, principal, req }) =>
        call(params.number, () =>
          handle(params.number).executeUpdate(liftFreezeUpdate, {
            args: [{ staff: staffOf(principal!, 'lift-freeze'), ...(body.userId ? { userId: body.userId } : {}), reason: body.reason, acceptCertificateName: body.acceptCertificateName }],
            ...updateId(req, 'lift-freeze'),
          }),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/helpdesk/inbound-mail',
      operationId: 'listInboundMail',
      summary: 'Every message the mail ingester took from the helpdesk mailbox, with its outcome',
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('read-mail'),
      query: z.object({ outcome: z.string().max(24).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) }),
      responses: {
        200: {
          description: 'inbound mail',
          schema: z.object({
            total: z.number(),
            items: z.array(z.object({ id: z.string(), messageId: z.string().nullable(), from: z.string().nullable(), subject: z.string().nullable(), sizeBytes: z.number(), status: z.string(), outcome: z.string().nullable(), details: z.record(z.string(), z.unknown()).nullable(), workflowId: z.string(), receivedAt: z.string() })),
          }),
        },
      },
      handler: async ({ query }) => {
        const [rows, total] = await deps.orm.em.fork().findAndCount(InboundMail, query.outcome ? { outcome: query.outcome as never } : {}, { orderBy: { receivedAt: 'desc' }, limit: query.limit, offset: query.offset });
        return {
          total,
          items: rows.map((m) => ({
            id: m.id,
            messageId: m.messageId ?? null,
            from: m.fromAddress ?? null,
            subject: m.subject ?? null,
            sizeBytes: m.sizeBytes,
            status: m.status,
            outcome: m.outcome ?? null,
            details: m.outcomeDetails ?? null,
            workflowId: m.workflowId,
            receivedAt: m.receivedAt.toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/helpdesk/inbound-mail/:id/raw',
      operationId: 'downloadInboundMail',
      summary: 'The message as received (.eml download; only its headers when it was too large to keep)',
      tags: ['helpdesk'],
      auth: helpdeskRolesFor('read-mail'),
      params: z.object({ id: z.uuid('Not a valid identifier (a UUID is expected).') }),
      responses: { 200: { description: 'the raw message', schema: z.string().meta({ format: 'binary' }), contentType: 'message/rfc822' } },
      handler: async ({ params, res }) => {
        const m = await deps.orm.em.fork().findOne(InboundMail, { id: params.id }, { populate: ['raw'] });
        if (!m?.raw) throw new AppError(ErrorCode.NotFound, `Inbound mail ${params.id} is not stored.`);
        // a download, never rendered: attachments inside are not opened by the browser
        res.setHeader('content-type', 'message/rfc822');
        res.setHeader('content-disposition', `attachment; filename="inbound-${m.id}.eml"`);
        res.setHeader('x-content-type-options', 'nosniff');
        res.send(Buffer.from(m.raw));
        return undefined;
      },
    }),
  ];
}
