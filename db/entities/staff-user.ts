import { defineEntity, p } from '@mikro-orm/core';

/** Officers, agency administrators, helpdesk staff and platform administrators. */
export const StaffUserRowSchema = defineEntity({
  name: 'StaffUserRow',
  tableName: 'staff_user',
  properties: {
    id: p.string().length(60).primary(),
    role: p.string().length(20),
    name: p.string(),
    email: p.string(),
    designation: p.string(),
    agencyCode: p.string().length(10).nullable(),
    officeCode: p.string().length(20).nullable().index(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class StaffUserRow extends StaffUserRowSchema.class {}
StaffUserRowSchema.setClass(StaffUserRow);
