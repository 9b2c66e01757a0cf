import type { z } from 'zod';
import type {
  AddressSchema,
  DeliveryChargeSchema,
  FeeScheduleEntrySchema,
  IecBranchSchema,
  IecMasterSchema,
  IecPersonSchema,
  IecRecordSchema,
  IecUserSchema,
  IssuingAgencySchema,
  OriginCriterionSchema,
  PaymentGatewaySchema,
  ReferenceDataSchema,
  RegionalOfficeSchema,
  RetrospectiveIssueSchema,
  StaffRoleSchema,
  StaffUserSchema,
  TradeAgreementSchema,
} from './schema.js';

export type Address = z.infer<typeof AddressSchema>;
export type OriginCriterion = z.infer<typeof OriginCriterionSchema>;
export type TradeAgreement = z.infer<typeof TradeAgreementSchema>;
export type RetrospectiveIssue = z.infer<typeof RetrospectiveIssueSchema>;
export type PaymentGatewayParameters = z.infer<typeof PaymentGatewaySchema>;
export type IssuingAgency = z.infer<typeof IssuingAgencySchema>;
export type RegionalOffice = z.infer<typeof RegionalOfficeSchema>;
export type FeeScheduleEntry = z.infer<typeof FeeScheduleEntrySchema>;
export type CertificateKind = FeeScheduleEntry['kind'];
export type DeliveryCharge = z.infer<typeof DeliveryChargeSchema>;
export type StaffRole = z.infer<typeof StaffRoleSchema>;
export type StaffUser = z.infer<typeof StaffUserSchema>;
export type ReferenceData = z.infer<typeof ReferenceDataSchema>;

export type IecBranch = z.infer<typeof IecBranchSchema>;
export type IecPerson = z.infer<typeof IecPersonSchema>;
export type IecUser = z.infer<typeof IecUserSchema>;
export type IecRecord = z.infer<typeof IecRecordSchema>;
export type IecMaster = z.infer<typeof IecMasterSchema>;
