import { BlobType, defineEntity, p } from '@mikro-orm/core';
import type { InboundMailOutcome, InboundMailStatus } from '../../domain/helpdesk/vocabulary.js';

export type { InboundMailOutcome, InboundMailStatus } from '../../domain/helpdesk/vocabulary.js';

/**
 * One inbound message, once, whatever the number of copies delivered: the dedupe key is the
 * Message-ID (or, without one, a hash of the content without the trace headers). The raw bytes are
 * kept so nothing a sender wrote is ever lost, even when the message is refused.
 */
export const InboundMailSchema = defineEntity({
  name: 'InboundMail',
  tableName: 'inbound_mail',
  indexes: [{ properties: ['outcome', 'receivedAt'] }],
  properties: {
    id: p.uuid().primary(),
    dedupeKey: p.string().length(300).unique(),
    messageId: p.string().length(300).nullable(),
    /** account/folder, e.g. helpdesk@coo.test/INBOX */
    mailbox: p.string().length(200),
    uidValidity: p.bigint('string'),
    uid: p.bigint('string'),
    fromAddress: p.string().length(320).nullable(),
    subject: p.string().length(500).nullable(),
    sizeBytes: p.integer(),
    /** the message as received; only its header section when it was larger than the ingester keeps (it stays in the mailbox) */
    raw: p.type(BlobType).nullable().lazy(),
    /** SHA-256 of the whole message; null when only the headers were kept */
    rawSha256: p.string().length(64).nullable(),
    status: p.string().length(12).$type<InboundMailStatus>(),
    outcome: p.string().length(24).$type<InboundMailOutcome>().nullable(),
    /** the ticket, application and round it went to; the problems found */
    outcomeDetails: p.json<Record<string, unknown>>().nullable(),
    workflowId: p.string().length(400),
    receivedAt: p.datetime().onCreate(() => new Date()),
    processedAt: p.datetime().nullable(),
  },
});
export class InboundMail extends InboundMailSchema.class {}
InboundMailSchema.setClass(InboundMail);

/**
 * Every copy of a message seen in a mailbox, by (mailbox, UIDVALIDITY, UID): a duplicate delivery is a
 * second copy of the same InboundMail. `flaggedAt` says the outcome keywords were stored on the copy.
 */
export const InboundMailCopySchema = defineEntity({
  name: 'InboundMailCopy',
  tableName: 'inbound_mail_copy',
  properties: {
    /** `<mailbox>|<uidValidity>|<uid>` */
    key: p.string().length(260).primary(),
    mailbox: p.string().length(200),
    uidValidity: p.bigint('string'),
    uid: p.bigint('string'),
    mailId: p.uuid().index(),
    duplicate: p.boolean().default(false),
    seenAt: p.datetime().onCreate(() => new Date()),
    flaggedAt: p.datetime().nullable(),
  },
});
export class InboundMailCopy extends InboundMailCopySchema.class {}
InboundMailCopySchema.setClass(InboundMailCopy);

/** The ingester's place in each mailbox: UIDs above `lastUid` (for this UIDVALIDITY) are new. */
export const MailIngestCursorSchema = defineEntity({
  name: 'MailIngestCursor',
  tableName: 'mail_ingest_cursor',
  properties: {
    mailbox: p.string().length(200).primary(),
    uidValidity: p.bigint('string'),
    lastUid: p.bigint('string'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class MailIngestCursor extends MailIngestCursorSchema.class {}
MailIngestCursorSchema.setClass(MailIngestCursor);
