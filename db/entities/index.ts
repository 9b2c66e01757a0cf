import { AuditEventSchema } from './audit-event.js';
import { IecChangeSchema, IecRecordSchema } from './iec-record.js';

export * from './audit-event.js';
export * from './iec-record.js';

export const entities = [IecRecordSchema, IecChangeSchema, AuditEventSchema];
