import { BlobType, defineEntity, p } from '@mikro-orm/core';
import type { SealedSecret } from '../../lib/sealed-secret.js';
import type { FeeScheduleEntry, IssuingAgency, RegionalOffice, TradeAgreement, DeliveryCharge } from '../../domain/reference/types.js';

/**
 * Reference data (trade agreements, issuing agencies notified per agreement, their regional offices,
 * fee schedules). Key columns for queries and joins; the full validated record in `data`.
 * Seeded idempotently from db/fixtures/reference-data.json (db/seed.ts).
 */
export const TradeAgreementRowSchema = defineEntity({
  name: 'TradeAgreementRow',
  tableName: 'trade_agreement',
  properties: {
    code: p.string().length(10).primary(),
    title: p.string(),
    active: p.boolean(),
    data: p.json<TradeAgreement>(),
  },
});
export class TradeAgreementRow extends TradeAgreementRowSchema.class {}
TradeAgreementRowSchema.setClass(TradeAgreementRow);

/**
 * How a value-based origin criterion is measured on the exporter's cost sheet (domain/reference ValueContentRule):
 * one row per agreement and criterion, inserted by the migration that introduced it and never overwritten, so an
 * administrator's change stays. Percentages are numeric(5,2), read as strings and kept exact.
 */
export const ValueContentRuleRowSchema = defineEntity({
  name: 'ValueContentRuleRow',
  tableName: 'value_content_rule',
  properties: {
    agreementCode: p.string().length(10).primary(),
    criterionCode: p.string().length(10).primary(),
    measure: p.string().length(30),
    formula: p.string().length(20),
    cumulation: p.string().length(20),
    thresholdPercent: p.decimal('string').precision(5).scale(2),
    nationalMinimumPercent: p.decimal('string').precision(5).scale(2).nullable(),
    tolerancePercent: p.decimal('string').precision(5).scale(2),
    source: p.text(),
  },
});
export class ValueContentRuleRow extends ValueContentRuleRowSchema.class {}
ValueContentRuleRowSchema.setClass(ValueContentRuleRow);

export const IssuingAgencyRowSchema = defineEntity({
  name: 'IssuingAgencyRow',
  tableName: 'issuing_agency',
  properties: {
    code: p.string().length(10).primary(),
    name: p.string(),
    notifiedAgreements: p.json<string[]>(),
    data: p.json<IssuingAgency>(),
  },
});
export class IssuingAgencyRow extends IssuingAgencyRowSchema.class {}
IssuingAgencyRowSchema.setClass(IssuingAgencyRow);

export const AgencyOfficeRowSchema = defineEntity({
  name: 'AgencyOfficeRow',
  tableName: 'agency_office',
  properties: {
    code: p.string().length(20).primary(),
    agencyCode: p.string().length(10).index(),
    name: p.string(),
    state: p.string(),
    active: p.boolean(),
    /** Slack channel of the office's officers (set by the agency administrator) */
    slackChannel: p.string().nullable(),
    data: p.json<RegionalOffice>(),
  },
});
export class AgencyOfficeRow extends AgencyOfficeRowSchema.class {}
AgencyOfficeRowSchema.setClass(AgencyOfficeRow);

export const FeeScheduleRowSchema = defineEntity({
  name: 'FeeScheduleRow',
  tableName: 'fee_schedule',
  uniques: [{ properties: ['agencyCode', 'agreementKey', 'kind'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    agencyCode: p.string().length(10),
    /** agreement code, or '*' for the agency's default */
    agreementKey: p.string().length(10),
    kind: p.string().length(20),
    data: p.json<FeeScheduleEntry | DeliveryCharge>(),
  },
});
export class FeeScheduleRow extends FeeScheduleRowSchema.class {}
FeeScheduleRowSchema.setClass(FeeScheduleRow);

/**
 * An agency's payment gateway parameters (scope `agency:<code>`), or an office's own (`office:<code>`),
 * set by the agency's administrator (seed 002 §3.I.iii). The checksum key is stored encrypted (an
 * AES-256-GCM payload of the keyring that also encrypts Temporal's payloads, lib/temporal-codec.ts) and
 * never returned: only its last four characters are shown.
 */
export const GatewayCredentialRowSchema = defineEntity({
  name: 'GatewayCredentialRow',
  tableName: 'gateway_credential',
  properties: {
    scope: p.string().length(40).primary(),
    agencyCode: p.string().length(10).index(),
    officeCode: p.string().length(20).nullable(),
    merchantId: p.string().length(64),
    /** the encrypted payload: { metadata: { name: base64 }, data: base64 } */
    checksumKeyEncrypted: p.json<SealedSecret>(),
    checksumKeyLast4: p.string().length(4),
    updatedBy: p.string().length(120),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class GatewayCredentialRow extends GatewayCredentialRowSchema.class {}
GatewayCredentialRowSchema.setClass(GatewayCredentialRow);

/**
 * An office's stamp (`kind` stamp, `owner` the office code) or an officer's signature (`signature`, the
 * staff user's id), uploaded by the agency's administrator once (seed 002 §3.I.v–vii), the background
 * already removed: what every certificate of the office or the officer prints.
 */
export const CertificateImageRowSchema = defineEntity({
  name: 'CertificateImageRow',
  tableName: 'certificate_image',
  primaryKeys: ['kind', 'owner'],
  properties: {
    kind: p.string().length(10).primary(),
    owner: p.string().length(60).primary(),
    png: p.type(BlobType).lazy(),
    sha256: p.string().length(64),
    width: p.integer(),
    height: p.integer(),
    backgroundRemoved: p.boolean(),
    uploadedBy: p.string().length(120),
    uploadedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class CertificateImageRow extends CertificateImageRowSchema.class {}
CertificateImageRowSchema.setClass(CertificateImageRow);

/**
 * An office's e-seal (PKCS#12) as the agency's administrator uploaded it (issue 12): the .p12 (base64) and
 * its password each sealed with the platform's keyring (lib/sealed-secret.ts, owner `eseal:<OFFICE>`), and
 * the certificate's facts, which are all that is ever shown.
 */
export const OfficeEsealRowSchema = defineEntity({
  name: 'OfficeEsealRow',
  tableName: 'office_eseal',
  properties: {
    officeCode: p.string().length(20).primary(),
    sealedP12: p.json<SealedSecret>().lazy(),
    sealedPassword: p.json<SealedSecret>().lazy(),
    subjectCn: p.string().length(200),
    serialNumber: p.string().length(80),
    issuer: p.string().length(300),
    notBefore: p.datetime(),
    notAfter: p.datetime(),
    uploadedBy: p.string().length(120),
    uploadedAt: p.datetime(),
  },
});
export class OfficeEsealRow extends OfficeEsealRowSchema.class {}
OfficeEsealRowSchema.setClass(OfficeEsealRow);
