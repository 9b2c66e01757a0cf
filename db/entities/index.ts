import { AuditEventSchema } from './audit-event.js';
import { IecChangeSchema, IecRecordSchema } from './iec-record.js';
import { AgencyOfficeRowSchema, FeeScheduleRowSchema, IssuingAgencyRowSchema, TradeAgreementRowSchema } from './reference.js';
import { StaffUserRowSchema } from './staff-user.js';

export * from './audit-event.js';
export * from './iec-record.js';
export * from './reference.js';
export * from './staff-user.js';

export const entities = [
  IecRecordSchema,
  IecChangeSchema,
  AuditEventSchema,
  TradeAgreementRowSchema,
  IssuingAgencyRowSchema,
  AgencyOfficeRowSchema,
  FeeScheduleRowSchema,
  StaffUserRowSchema,
];
