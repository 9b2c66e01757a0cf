import { defineEntity, p } from '@mikro-orm/core';

/**
 * An exporter's account on the portal: one per IEC, registered by the IEC's master user. Company data
 * (name, directors, addresses, branches, contact details) is not copied here: it stays in the local copy
 * of the IEC master (IecRecord), which a refresh keeps current.
 */
export const ExporterAccountSchema = defineEntity({
  name: 'ExporterAccount',
  tableName: 'exporter_account',
  properties: {
    iec: p.string().length(10).primary(),
    firmName: p.string(),
    /** 'active'; the IEC's own status (active, suspended, cancelled) lives in IecRecord */
    status: p.string().length(20),
    masterUserId: p.string().length(40),
    registeredBy: p.string().length(120),
    /** the Temporal workflow that fetched the IEC and created the account */
    workflowId: p.string().length(80),
    registeredAt: p.datetime().onCreate(() => new Date()),
  },
});
export class ExporterAccount extends ExporterAccountSchema.class {}
ExporterAccountSchema.setClass(ExporterAccount);

export const EXPORTER_USER_STATUSES = ['pending_dsc', 'active', 'removed'] as const;
export type ExporterUserStatus = (typeof EXPORTER_USER_STATUSES)[number];

/**
 * A person acting for an IEC. The id is the single-sign-on subject (`sub`) of the person, which for the
 * IEC master's users is `<IEC>-<n>`, n counting from 1 in the order of the master record's `users` list.
 * Name, e-mail and mobile come from the IEC master and are never typed in (seed 001, FAQ 5).
 * The master user is active from registration; an additional user is `pending_dsc` until they prove the
 * mapping with a valid DSC carrying the IEC (seed 000, "multi-user accountability").
 */
export const ExporterUserSchema = defineEntity({
  name: 'ExporterUser',
  tableName: 'exporter_user',
  properties: {
    id: p.string().length(40).primary(),
    iec: p.string().length(10).index(),
    role: p.string().length(12),
    name: p.string(),
    email: p.string(),
    mobile: p.string().length(30),
    status: p.string().length(20).$type<ExporterUserStatus>(),
    mappedBy: p.string().length(120),
    mappedAt: p.datetime().onCreate(() => new Date()),
    /** when the mapping was proved with a DSC (additional users) */
    activatedAt: p.datetime().nullable(),
    removedAt: p.datetime().nullable(),
    removedBy: p.string().length(120).nullable(),
  },
});
export class ExporterUser extends ExporterUserSchema.class {}
ExporterUserSchema.setClass(ExporterUser);
