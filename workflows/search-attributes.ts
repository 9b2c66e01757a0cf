import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so the Temporal Web UI and `temporal workflow list --query` can filter
 * applications and certificate requests by number, IEC, file status, agency, office, trade agreement,
 * request kind and the certificate a request is made against.
 * Registered idempotently at every start (scripts/infra/temporal-dev-server.ts).
 */
export const SA = {
  applicationNumber: defineSearchAttributeKey('CooApplicationNumber', SearchAttributeType.KEYWORD),
  fileNumber: defineSearchAttributeKey('CooFileNumber', SearchAttributeType.KEYWORD),
  iec: defineSearchAttributeKey('CooIec', SearchAttributeType.KEYWORD),
  fileStatus: defineSearchAttributeKey('CooFileStatus', SearchAttributeType.KEYWORD),
  agency: defineSearchAttributeKey('CooAgency', SearchAttributeType.KEYWORD),
  office: defineSearchAttributeKey('CooOffice', SearchAttributeType.KEYWORD),
  agreement: defineSearchAttributeKey('CooAgreement', SearchAttributeType.KEYWORD),
  certificateNumber: defineSearchAttributeKey('CooCertificateNumber', SearchAttributeType.KEYWORD),
  /** requests for a duplicate / in-lieu certificate: their kind and the certificate they are made against */
  requestKind: defineSearchAttributeKey('CooRequestKind', SearchAttributeType.KEYWORD),
  originalCertificateNumber: defineSearchAttributeKey('CooOriginalCertificateNumber', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);
