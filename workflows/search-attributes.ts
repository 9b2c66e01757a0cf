import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so the Temporal Web UI and `temporal workflow list --query` can filter
 * applications by number, IEC, file status, agency, office and trade agreement.
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
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);
