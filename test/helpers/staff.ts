import { StaffUserRow } from '../../db/entities/index.js';
import type { Stack } from './stack.js';

/**
 * An active officer of an office, as an approved registration leaves it (the staff row decides, not the token),
 * and their token. The worker needs no wait for it: its reference data reads again for an office it does not know.
 */
export async function addOfficer(stack: Stack, o: { id: string; name: string; email: string; officeCode: string; agencyCode?: string; designation?: string }): Promise<string> {
  const agencyCode = o.agencyCode ?? o.officeCode.split('-')[0]!;
  await stack.orm.em.fork().upsert(StaffUserRow, {
    id: o.id,
    role: 'officer',
    name: o.name,
    email: o.email,
    designation: o.designation ?? 'Assistant Director',
    agencyCode,
    officeCode: o.officeCode,
    active: true,
    createdAt: new Date(),
  });
  return stack.token({ sub: o.id, name: o.name, roles: ['officer'], officeCode: o.officeCode, agencyCode });
}
