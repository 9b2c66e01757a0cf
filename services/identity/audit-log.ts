import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../../db/entities/audit-event.js';

/**
 * The audit trail as the platform administrator reads it (issue 12 item 8): every administrative action
 * (who, when, what, through which channel, before and after), filtered and paged, newest first.
 */
export interface AuditQuery {
  subjectType?: string;
  subjectId?: string;
  /** the actor's id: matches "id" and "id (Name)" as actions record it */
  actor?: string;
  action?: string;
  from?: Date;
  /** exclusive */
  to?: Date;
  page: number;
  pageSize: number;
}

export interface AuditEventView {
  id: string;
  at: string;
  subjectType: string;
  subjectId: string;
  action: string;
  actor: string;
  channel: string;
  details: Record<string, unknown> | null;
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)} (%`;

export async function listAuditEvents(em: EntityManager, q: AuditQuery): Promise<{ items: AuditEventView[]; total: number }> {
  const where: Record<string, unknown>[] = [];
  if (q.subjectType) where.push({ subjectType: q.subjectType });
  if (q.subjectId) where.push({ subjectId: q.subjectId });
  if (q.action) where.push({ action: q.action });
  if (q.actor) where.push({ $or: [{ actor: q.actor }, { actor: { $like: likePrefix(q.actor) } }] });
  if (q.from) where.push({ at: { $gte: q.from } });
  if (q.to) where.push({ at: { $lt: q.to } });
  const [rows, total] = await em.findAndCount(AuditEvent, where.length ? { $and: where } : {}, {
    orderBy: { at: 'desc', id: 'desc' },
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  return {
    total,
    items: rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      action: r.action,
      actor: r.actor,
      channel: r.channel,
      details: r.details ?? null,
    })),
  };
}
