import { BlobType, defineEntity, p } from '@mikro-orm/core';

export type StaffRegistrationKind = 'administrator' | 'officer';
export type StaffRegistrationStatus = 'pending' | 'approved' | 'rejected';

/**
 * A request to become an agency's administrator or officer (seed 002 §3.I.i, §3.II.i), made by a signed-in
 * person (`requestedBy`, the token's subject, who becomes the staff user's id on approval) and decided by
 * the platform administrator (administrators) or the agency's administrator (officers).
 */
export const StaffRegistrationRowSchema = defineEntity({
  name: 'StaffRegistrationRow',
  tableName: 'staff_registration',
  properties: {
    id: p.uuid().primary(),
    kind: p.string().length(20).$type<StaffRegistrationKind>(),
    requestedBy: p.string().length(60).index(),
    agencyCode: p.string().length(10).index(),
    officeCode: p.string().length(20).nullable(),
    name: p.string().length(120),
    email: p.string().length(200),
    designation: p.string().length(120),
    letterFileName: p.string().length(200).nullable(),
    letterContentType: p.string().length(100).nullable(),
    letter: p.type(BlobType).lazy().nullable(),
    letterSha256: p.string().length(64).nullable(),
    status: p.string().length(20).$type<StaffRegistrationStatus>().index(),
    decidedBy: p.string().length(120).nullable(),
    decidedAt: p.datetime().nullable(),
    reason: p.text().nullable(),
    /** the Slack message announcing an officer's request in the office's channel (rewritten with the decision) */
    slackChannel: p.string().length(20).nullable(),
    slackTs: p.string().length(40).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class StaffRegistrationRow extends StaffRegistrationRowSchema.class {}
StaffRegistrationRowSchema.setClass(StaffRegistrationRow);
