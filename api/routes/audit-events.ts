import { z } from 'zod';
import { isIsoDate } from '../../domain/application/financial-year.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { listAuditEvents } from '../../services/identity/audit-log.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

/** An instant (ISO 8601 with its offset) or a date (YYYY-MM-DD, taken in India time). */
const instant = (what: string) =>
  z
    .string()
    .max(40)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return undefined;
      const d = isIsoDate(s) ? new Date(`${s}T00:00:00+05:30`) : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(s) ? new Date(s) : new Date(NaN);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: 'custom', message: `${what} is a date (YYYY-MM-DD, India time) or an instant with its offset (2026-12-07T10:00:00Z)` });
        return z.NEVER;
      }
      return { date: d, dayOnly: isIsoDate(s) };
    })
    .describe(`${what}: a date (YYYY-MM-DD, India time, inclusive) or an instant (ISO 8601 with offset)`);

const eventView = z.object({
  id: z.string(),
  at: z.string(),
  subjectType: z.string().describe('office, agency, user, exporter, dsc, certificate, application, wallet, …'),
  subjectId: z.string(),
  action: z.string(),
  actor: z.string(),
  channel: z.string(),
  details: z.record(z.string(), z.unknown()).nullable().describe('what changed: before and after, where the action has them'),
});

export function auditEventRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/audit-events',
      operationId: 'listAuditEvents',
      summary: 'The audit trail: every administrative action, who, when, what, before and after (platform administrator)',
      description: 'Newest first; paged. Filters: subject (type and id), actor (the id of who acted), action, and a date range.',
      tags: ['audit'],
      auth: ['admin'],
      query: z.object({
        subjectType: z.string().regex(/^[a-z][a-z-]{1,39}$/, 'a subject type looks like office').optional(),
        subjectId: z.string().min(1).max(80).optional(),
        actor: z.string().min(1).max(120).optional(),
        action: z.string().regex(/^[a-z][a-z.-]{1,59}$/, 'an action looks like office.edited').optional(),
        from: instant('From'),
        to: instant('Up to'),
        page: z.coerce.number().int('page must be a whole number').min(1, 'page starts at 1').max(100_000).default(1),
        pageSize: z.coerce.number().int('pageSize must be a whole number').min(1).max(100, 'pageSize can be at most 100').default(20),
      }),
      responses: {
        200: {
          description: 'one page',
          schema: z.object({ items: z.array(eventView), page: z.number().int(), pageSize: z.number().int(), total: z.number().int(), totalPages: z.number().int() }),
        },
      },
      handler: async ({ query }) => {
        const from = query.from?.date;
        // a date "to" includes the whole day
        const to = query.to ? (query.to.dayOnly ? new Date(query.to.date.getTime() + 86_400_000) : query.to.date) : undefined;
        if (from && to && from >= to) {
          throw new AppError(ErrorCode.ValidationFailed, 'The date range is empty: "from" must come before "to".', { problems: [{ path: 'query/to', message: 'before "from"' }] });
        }
        const { items, total } = await listAuditEvents(deps.orm.em.fork(), {
          ...(query.subjectType ? { subjectType: query.subjectType } : {}),
          ...(query.subjectId ? { subjectId: query.subjectId } : {}),
          ...(query.actor ? { actor: query.actor } : {}),
          ...(query.action ? { action: query.action } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          page: query.page,
          pageSize: query.pageSize,
        });
        return { items, page: query.page, pageSize: query.pageSize, total, totalPages: Math.ceil(total / query.pageSize) };
      },
    }),
  ];
}
