import { ApplicationRowSchema, AttachmentRowSchema, FileEsignRowSchema, InvoiceClaimSchema, NumberSequenceSchema, SignedVersionSchema } from './application.js';
import { AuditEventSchema } from './audit-event.js';
import { AttestedDocumentRowSchema, CertificateRowSchema } from './certificate.js';
import { ExporterAccountSchema, ExporterUserSchema } from './exporter.js';
import { SignedDocumentSchema, SigningRequestSchema, UserDscSchema, UserIdentityStateSchema } from './identity.js';
import { NotificationRowSchema } from './notification.js';
import { PaymentRowSchema, SandboxGatewayOrderSchema, TaxInvoiceRowSchema, WalletEntrySchema, WalletRowSchema, WalletTopupRowSchema } from './payment.js';
import { IecChangeSchema, IecRecordSchema } from './iec-record.js';
import { AgencyOfficeRowSchema, CertificateImageRowSchema, FeeScheduleRowSchema, GatewayCredentialRowSchema, IssuingAgencyRowSchema, OfficeEsealRowSchema, TradeAgreementRowSchema, ValueContentRuleRowSchema } from './reference.js';
import { StaffUserRowSchema } from './staff-user.js';
import { StaffRegistrationRowSchema } from './staff-registration.js';
import { SlackLinkCodeSchema, SlackLinkFailureSchema, SlackMessageSchema, SlackUserLinkSchema } from './slack.js';
import { HelpdeskMessageSchema, HelpdeskTicketSchema } from './helpdesk.js';
import { InboundMailCopySchema, InboundMailSchema, MailIngestCursorSchema } from './mail-ingest.js';
import { KeptAnswerSchema } from './kept-answer.js';
import { CaptchaSpentSchema, RateLimitBucketSchema } from './shared-limits.js';

export * from './application.js';
export * from './audit-event.js';
export * from './certificate.js';
export * from './exporter.js';
export * from './identity.js';
export * from './notification.js';
export * from './payment.js';
export * from './iec-record.js';
export * from './reference.js';
export * from './staff-user.js';
export * from './staff-registration.js';
export * from './slack.js';
export * from './helpdesk.js';
export * from './mail-ingest.js';
export * from './kept-answer.js';
export * from './shared-limits.js';

export const entities = [
  IecRecordSchema,
  IecChangeSchema,
  AuditEventSchema,
  TradeAgreementRowSchema,
  ValueContentRuleRowSchema,
  IssuingAgencyRowSchema,
  AgencyOfficeRowSchema,
  FeeScheduleRowSchema,
  GatewayCredentialRowSchema,
  CertificateImageRowSchema,
  OfficeEsealRowSchema,
  StaffUserRowSchema,
  StaffRegistrationRowSchema,
  ApplicationRowSchema,
  InvoiceClaimSchema,
  AttachmentRowSchema,
  SignedVersionSchema,
  FileEsignRowSchema,
  NumberSequenceSchema,
  PaymentRowSchema,
  TaxInvoiceRowSchema,
  WalletRowSchema,
  WalletEntrySchema,
  WalletTopupRowSchema,
  SandboxGatewayOrderSchema,
  NotificationRowSchema,
  CertificateRowSchema,
  AttestedDocumentRowSchema,
  ExporterAccountSchema,
  ExporterUserSchema,
  UserDscSchema,
  UserIdentityStateSchema,
  SigningRequestSchema,
  SignedDocumentSchema,
  SlackUserLinkSchema,
  SlackLinkCodeSchema,
  SlackLinkFailureSchema,
  SlackMessageSchema,
  InboundMailSchema,
  InboundMailCopySchema,
  MailIngestCursorSchema,
  HelpdeskTicketSchema,
  HelpdeskMessageSchema,
  KeptAnswerSchema,
  RateLimitBucketSchema,
  CaptchaSpentSchema,
];
