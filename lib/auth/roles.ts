export const ROLES = ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified bearer token. */
export interface Principal {
  sub: string;
  name: string;
  email?: string;
  roles: Role[];
  /** exporters: the IEC their account is mapped to */
  iec?: string;
  /** officers: their office; agency admins: their agency */
  officeCode?: string;
  agencyCode?: string;
}
