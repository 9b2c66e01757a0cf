import { defineEntity, p } from '@mikro-orm/core';

/**
 * Local copy of an exporter's record in DGFT's IEC master. Company data is never typed in by users;
 * it is fetched from the IEC directory and refreshed, each change recorded in IecChange.
 */
export const IecRecordSchema = defineEntity({
  name: 'IecRecord',
  tableName: 'iec_record',
  properties: {
    iec: p.string().length(10).primary(),
    firmName: p.string(),
    status: p.string().length(20),
    /** the directory's full record, as fetched */
    data: p.json<Record<string, unknown>>(),
    /** SHA-256 of the canonical record, to tell a real change from a refresh that found nothing new */
    dataHash: p.string().length(64),
    source: p.string().length(20),
    fetchedAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class IecRecord extends IecRecordSchema.class {}
IecRecordSchema.setClass(IecRecord);

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export const IecChangeSchema = defineEntity({
  name: 'IecChange',
  tableName: 'iec_change',
  properties: {
    id: p.bigint().primary().autoincrement(),
    iec: p.string().length(10).index(),
    /** the Temporal workflow run that made the change: one refresh writes at most one row */
    refreshId: p.string().unique(),
    changes: p.json<FieldChange[]>(),
    at: p.datetime().onCreate(() => new Date()),
  },
});
export class IecChange extends IecChangeSchema.class {}
IecChangeSchema.setClass(IecChange);
