import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../../db/entities/audit-event.js';

export type AuditChannel = 'api' | 'workflow' | 'slack' | 'cli';

export interface AuditEntry {
  /** idempotency key; a random one when the action cannot repeat */
  key?: string;
  subjectType: 'exporter' | 'user' | 'dsc' | 'signed-document' | 'certificate' | 'agency' | 'office' | 'staff-registration' | 'wallet';
  subjectId: string;
  action: string;
  actor: string;
  /** where the action came from: the HTTP API, a workflow, a person in Slack, or a command run by an operator */
  channel: AuditChannel;
  details?: Record<string, unknown>;
}

/** Adds an audit event to the unit of work of `em` (flushed with the change it records). */
export function recordAudit(em: EntityManager, e: AuditEntry): AuditEvent {
  return em.create(AuditEvent, {
    eventKey: e.key ?? `${e.action}/${e.subjectId}/${randomUUID()}`,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    action: e.action,
    actor: e.actor.slice(0, 120),
    channel: e.channel,
    details: e.details ?? null,
  });
}
