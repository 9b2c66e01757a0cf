import { defineEntity, p } from '@mikro-orm/core';

/** Append-only audit trail: who did what, when, through which channel. */
export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  properties: {
    id: p.bigint().primary().autoincrement(),
    /** idempotency: an activity retried after a crash writes the same key and is ignored */
    eventKey: p.string().unique(),
    subjectType: p.string().length(40),
    subjectId: p.string().length(80).index(),
    action: p.string().length(60),
    actor: p.string().length(120),
    channel: p.string().length(20),
    details: p.json<Record<string, unknown>>().nullable(),
    at: p.datetime().onCreate(() => new Date()).index(),
  },
});
export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
