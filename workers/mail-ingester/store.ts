/**
 * The ingester's bookkeeping in PostgreSQL. One transaction per copy seen in the mailbox: the message
 * (unique by its dedupe key, raw bytes kept) and the copy (unique by mailbox, UIDVALIDITY and UID).
 * A second copy of a known message is recorded as a duplicate and never processed again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { InboundMailOutcome, InboundMailStatus } from '../../db/entities/mail-ingest.js';
import { summariseHeaders } from '../../services/mail/stored-mail.js';
import { inboundMailWorkflowId } from '../../workflows/helpdesk-ticket/contract.js';
import { dedupeKeyOf } from './dedupe-key.js';

export interface CopyRef {
  mailbox: string;
  uidValidity: string;
  uid: number;
}

export interface KnownMail {
  id: string;
  dedupeKey: string;
  status: InboundMailStatus;
  outcome: InboundMailOutcome | null;
  workflowId: string;
}

export interface RecordedCopy {
  mail: KnownMail;
  /** another copy of the same message was recorded first */
  duplicate: boolean;
  flagged: boolean;
}

export const copyKey = (c: CopyRef): string => `${c.mailbox}|${c.uidValidity}|${c.uid}`;

interface MailRow {
  id: string;
  dedupe_key: string;
  status: InboundMailStatus;
  outcome: InboundMailOutcome | null;
  workflow_id: string;
}

const toKnown = (r: MailRow): KnownMail => ({ id: r.id, dedupeKey: r.dedupe_key, status: r.status, outcome: r.outcome, workflowId: r.workflow_id });

/** The copy and its message, when this copy was recorded before. */
export async function findCopy(em: EntityManager, c: CopyRef): Promise<RecordedCopy | null> {
  const rows = await em.getConnection().execute<(MailRow & { duplicate: boolean; flagged_at: Date | null })[]>(
    `select m.id, m.dedupe_key, m.status, m.outcome, m.workflow_id, c.duplicate, c.flagged_at
       from inbound_mail_copy c join inbound_mail m on m.id = c.mail_id where c.key = ?`,
    [copyKey(c)],
  );
  const r = rows[0];
  return r ? { mail: toKnown(r), duplicate: r.duplicate, flagged: r.flagged_at !== null } : null;
}

/** Records a copy: the message once (raw kept; only its headers when `complete` is false), the copy always. */
export async function recordCopy(em: EntityManager, c: CopyRef & { raw: Buffer; complete: boolean; sizeBytes: number }): Promise<RecordedCopy> {
  const dedupeKey = dedupeKeyOf(c.raw);
  const h = await summariseHeaders(c.raw);
  return em.transactional(async (tx) => {
    const inserted = await tx.execute<{ id: string }[]>(
      `insert into inbound_mail (id, dedupe_key, message_id, mailbox, uid_validity, uid, from_address, subject, size_bytes, raw, raw_sha256, status, workflow_id, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, now()) on conflict (dedupe_key) do nothing returning id`,
      [
        randomUUID(),
        dedupeKey,
        h.messageId?.slice(0, 300) ?? null,
        c.mailbox,
        c.uidValidity,
        String(c.uid),
        h.from?.address.slice(0, 320) ?? null,
        h.subject.slice(0, 500),
        c.sizeBytes,
        c.raw,
        c.complete ? createHash('sha256').update(c.raw).digest('hex') : null,
        inboundMailWorkflowId(dedupeKey),
      ],
    );
    const mail = (await tx.execute<MailRow[]>(`select id, dedupe_key, status, outcome, workflow_id from inbound_mail where dedupe_key = ?`, [dedupeKey]))[0]!;
    await tx.execute(
      `insert into inbound_mail_copy (key, mailbox, uid_validity, uid, mail_id, duplicate, seen_at) values (?, ?, ?, ?, ?, ?, now()) on conflict (key) do nothing`,
      [copyKey(c), c.mailbox, c.uidValidity, String(c.uid), mail.id, inserted.length === 0],
    );
    const copy = (await tx.execute<{ duplicate: boolean; flagged_at: Date | null }[]>(`select duplicate, flagged_at from inbound_mail_copy where key = ?`, [copyKey(c)]))[0]!;
    return { mail: toKnown(mail), duplicate: copy.duplicate, flagged: copy.flagged_at !== null };
  });
}

export async function loadMail(em: EntityManager, id: string): Promise<KnownMail> {
  const r = (await em.getConnection().execute<MailRow[]>(`select id, dedupe_key, status, outcome, workflow_id from inbound_mail where id = ?`, [id]))[0];
  if (!r) throw new Error(`inbound mail ${id} vanished`);
  return toKnown(r);
}

export async function markProcessing(em: EntityManager, id: string): Promise<void> {
  await em.getConnection().execute(`update inbound_mail set status = 'processing' where id = ? and status = 'received'`, [id]);
}

export async function markFlagged(em: EntityManager, c: CopyRef): Promise<void> {
  await em.getConnection().execute(`update inbound_mail_copy set flagged_at = now() where key = ?`, [copyKey(c)]);
}

/** The cursor: the highest UID recorded for the mailbox's current UIDVALIDITY (reset when it changes). */
export async function readCursor(em: EntityManager, mailbox: string): Promise<{ uidValidity: string; lastUid: number } | null> {
  const r = (await em.getConnection().execute<{ uid_validity: string; last_uid: string }[]>(`select uid_validity, last_uid from mail_ingest_cursor where mailbox = ?`, [mailbox]))[0];
  return r ? { uidValidity: String(r.uid_validity), lastUid: Number(r.last_uid) } : null;
}

export async function advanceCursor(em: EntityManager, mailbox: string, uidValidity: string, uid: number): Promise<void> {
  await em.getConnection().execute(
    `insert into mail_ingest_cursor (mailbox, uid_validity, last_uid, updated_at) values (?, ?, ?, now())
     on conflict (mailbox) do update set
       last_uid = case when mail_ingest_cursor.uid_validity = excluded.uid_validity then greatest(mail_ingest_cursor.last_uid, excluded.last_uid) else excluded.last_uid end,
       uid_validity = excluded.uid_validity, updated_at = now()`,
    [mailbox, uidValidity, uid],
  );
}
