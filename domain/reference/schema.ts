import { z } from 'zod';

/**
 * The shape of the reference data (db/fixtures/reference-data.json) and of the local IEC master
 * (db/fixtures/iec-master.json). Cross-record rules (an office's agency exists, GSTIN check
 * characters…) are in load.ts.
 */

const code = z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'codes are 2-10 upper-case letters or digits');
const officeCode = z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'office codes look like EIC-MUM');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'countries are ISO 3166 alpha-2 codes');
const paise = z.number().int().nonnegative();
const basisPoints = z.number().int().min(0).max(10_000);
const noSpaces = z.string().regex(/^\S+$/, 'must not contain spaces');
const gstStateCode = z.string().regex(/^[0-9]{2}$/);
const mobile = z.string().regex(/^\+91 [6-9][0-9]{9}$/, 'mobile numbers look like +91 9876543210');

export const AddressSchema = z.strictObject({
  line1: z.string().min(1),
  line2: z.string().min(1).optional(),
  city: z.string().min(1),
  district: z.string().min(1).optional(),
  state: z.string().min(1),
  pincode: z.string().regex(/^[1-9][0-9]{5}$/, 'PIN codes are 6 digits'),
});

export const OriginCriterionSchema = z.strictObject({
  /** What is typed in the "Preference Criterion" box of the certificate. */
  code: z.string().regex(/^[A-Z][A-Za-z0-9+]{0,9}$/),
  label: z.string().min(1),
  /** The exporter must give a percentage (value content) with this criterion. */
  valueRequired: z.boolean(),
  /** Lowest acceptable percentage for this criterion under this agreement. */
  minimumPercent: z.number().min(0).max(100).optional(),
  /** Goods claimed under this criterion cannot contain imported or undetermined-origin materials. */
  excludesImportedMaterials: z.boolean(),
  /** Text printed on the certificate instead of the code, if any (e.g. "INDIAN ORIGIN"). */
  printedAs: z.string().min(1).optional(),
});

export const RetrospectiveIssueSchema = z.strictObject({
  /** the words as the form prints them, e.g. "Issued Retrospectively" (Form AI, box 13) */
  mark: z.string().min(1).max(60),
  /** "box": the form's own tick box with these words (Form AI's box 13); "remarks": written in the form's remarks box */
  printedIn: z.enum(['box', 'remarks']),
  /** the agreement's limit: issued after shipment no later than this many days after it */
  withinDaysOfShipment: z.number().int().positive().optional(),
});

export const TradeAgreementSchema = z.strictObject({
  code,
  title: z.string().min(1),
  fullTitle: z.string().min(1),
  preferential: z.boolean(),
  /** Countries an importer may be in; empty means any country (non-preferential). */
  partnerCountries: z.array(countryCode),
  certificateForm: z.string().min(1),
  /** Three-digit code used in certificate numbers (MPEDA/2019/013/…). */
  numericCode: z.string().regex(/^[0-9]{3}$/),
  /** "seed" when the code is seen in the seeds' legacy numbers, "assigned" when chosen here. */
  numericCodeSource: z.enum(['seed', 'assigned']),
  originCriteria: z.array(OriginCriterionSchema).min(1),
  /**
   * The agreement's certificate has a mark for a certificate issued after shipment (seed 001 "Whether CoO
   * request before/after shipment"): its words, where the form prints it (a tick box of the form, or the
   * remarks) and, when the agreement sets one, how long after shipment it may still be issued.
   * Absent: an after-shipment certificate carries no mark.
   */
  retrospectiveIssue: RetrospectiveIssueSchema.optional(),
  effectiveFrom: z.iso.date(),
  active: z.boolean(),
  notes: z.string().optional(),
});

export const PaymentGatewaySchema = z.strictObject({
  provider: z.enum(['sandbox']),
  merchantId: noSpaces,
  checksumKey: noSpaces,
});

export const IssuingAgencySchema = z.strictObject({
  code,
  name: z.string().min(1),
  pan: z.string().regex(/^[A-Z]{5}[0-9]{4}[A-Z]$/),
  /** GSTIN of the agency's head office; each office has its own in its state. */
  gstin: z.string(),
  headOfficeAddress: AddressSchema,
  notifiedAgreements: z.array(code).min(1),
  /**
   * Demo fixtures only: moved at seeding into `gateway_credential`, encrypted, and removed from the
   * reference rows; administrators set them through the API (services/payment/gateway-credentials.ts).
   */
  paymentGateway: PaymentGatewaySchema.optional(),
});

export const RegionalOfficeSchema = z.strictObject({
  code: officeCode,
  agencyCode: code,
  name: z.string().min(1),
  /** Four letters that start the office's file numbers (HQRCCOAPPLY… in the seeds). */
  fileNumberPrefix: z.string().regex(/^[A-Z]{4}$/),
  address: AddressSchema,
  state: z.string().min(1),
  gstStateCode,
  gstin: z.string(),
  email: z.email(),
  phone: z.string().min(1),
  eWallet: z.strictObject({ enabled: z.boolean(), openingBalancePaise: paise }),
  /** Overrides the agency's gateway parameters for this office. */
  paymentGateway: PaymentGatewaySchema.optional(),
  /** who signs the office's certificates: its e-seal (default), or the issuing officer with a DSC */
  certificateSigning: z.enum(['eseal', 'officer-dsc']).optional(),
  active: z.boolean(),
});

export const FeeScheduleEntrySchema = z.strictObject({
  agencyCode: code,
  /** null: the agency's fee for every agreement without an entry of its own. */
  agreementCode: code.nullable(),
  kind: z.enum(['original', 'duplicate']),
  feePaise: paise,
  gstRateBasisPoints: basisPoints,
  /** GST services accounting code printed on the tax invoice. */
  sacCode: z.string().regex(/^[0-9]{6}$/),
  description: z.string().min(1),
  source: z.string().min(1),
});

export const DeliveryChargeSchema = z.strictObject({
  agencyCode: code,
  feePaise: paise,
  gstRateBasisPoints: basisPoints,
  sacCode: z.string().regex(/^[0-9]{6}$/),
  description: z.string().min(1),
  source: z.string().min(1),
});

export const StaffRoleSchema = z.enum(['officer', 'agency-admin', 'helpdesk', 'admin']);

export const StaffUserSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  role: StaffRoleSchema,
  name: z.string().min(1),
  email: z.email(),
  mobile: mobile.optional(),
  designation: z.string().min(1),
  agencyCode: code.optional(),
  officeCode: officeCode.optional(),
});

export const ReferenceDataSchema = z.strictObject({
  version: z.literal(1),
  description: z.string(),
  tradeAgreements: z.array(TradeAgreementSchema).min(1),
  issuingAgencies: z.array(IssuingAgencySchema).min(1),
  offices: z.array(RegionalOfficeSchema).min(1),
  feeSchedules: z.array(FeeScheduleEntrySchema).min(1),
  deliveryCharges: z.array(DeliveryChargeSchema),
  users: z.array(StaffUserSchema),
});

export const IecBranchSchema = z.strictObject({
  branchCode: z.string().regex(/^[0-9]{2}$/, 'branch codes are 2 digits'),
  address: AddressSchema,
  /** null only for a unit in an SEZ registered without a GSTIN of its own. */
  gstin: z.string().nullable(),
  state: z.string().min(1),
  gstStateCode,
  isSez: z.boolean(),
  sezName: z.string().min(1).optional(),
});

export const IecPersonSchema = z.strictObject({
  name: z.string().min(1),
  designation: z.string().min(1),
  mobile: mobile.optional(),
  address: z.string().min(1).optional(),
});

export const IecUserSchema = z.strictObject({
  name: z.string().min(1),
  email: z.email(),
  mobile,
  role: z.enum(['master', 'additional']),
});

export const IecRecordSchema = z.strictObject({
  iec: z.string().regex(/^[A-Z0-9]{10}$/),
  pan: z.string().regex(/^[A-Z]{5}[0-9]{4}[A-Z]$/),
  firmName: z.string().min(1),
  entityType: z.enum(['private_limited_company', 'public_limited_company', 'partnership_firm', 'proprietorship', 'llp']),
  dateOfIssue: z.iso.date(),
  status: z.enum(['active', 'suspended', 'cancelled']),
  statusReason: z.string().min(1).optional(),
  email: z.email(),
  mobile,
  registeredAddress: AddressSchema,
  directors: z.array(IecPersonSchema).min(1),
  branches: z.array(IecBranchSchema).min(1),
  /** Authorised Economic Operator certificate number, if the firm has one. */
  aeoNumber: z.string().regex(/^IN[A-Z0-9]{10,20}$/).nullable(),
  users: z.array(IecUserSchema).min(1),
});

export const IecMasterSchema = z.strictObject({
  version: z.literal(1),
  description: z.string(),
  exporters: z.array(IecRecordSchema).min(1),
});
