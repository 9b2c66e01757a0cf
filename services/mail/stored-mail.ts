/**
 * Reading an inbound message back from PostgreSQL (the ingester stored its raw bytes), and the facts
 * every step needs about it: who may answer a deficiency for an IEC, what the headers say when the
 * body cannot be read.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { simpleParser } from 'mailparser';
import { ExporterUser, IecRecord } from '../../db/entities/index.js';
import { InboundMail } from '../../db/entities/mail-ingest.js';
import { iecUsersOf } from '../../domain/identity/iec-users.js';
import { parseMessageIdList } from '../../channels/email/message-id.js';
import { AppError, ErrorCode } from '../../lib/errors.js';

export interface StoredMail {
  row: InboundMail;
  /** the whole message, or only its header section when it was too large to keep */
  raw: Buffer;
  complete: boolean;
}

export async function loadStoredMail(em: EntityManager, mailId: string): Promise<StoredMail> {
  const row = await em.findOne(InboundMail, { id: mailId }, { populate: ['raw'] });
  if (!row) throw new AppError(ErrorCode.NotFound, `Inbound mail ${mailId} is not stored.`);
  const raw = row.raw ? Buffer.from(row.raw) : Buffer.alloc(0);
  return { row, raw, complete: row.rawSha256 !== null };
}

/** The header section: everything before the first empty line. */
export function headerSection(raw: Buffer): Buffer {
  const text = raw.subarray(0, 256 * 1024).toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  return m ? raw.subarray(0, m.index) : raw.subarray(0, Math.min(raw.length, 256 * 1024));
}

export interface HeaderSummary {
  from: { address: string; name: string } | null;
  replyTo: string | null;
  subject: string;
  messageId: string | null;
  references: string[];
  /** To, Cc, Delivered-To and X-Original-To, lower-case: where a reply token's +detail can be */
  recipients: string[];
  /** auto-replies, bounces and lists are never answered */
  automatic: boolean;
}

/** What the headers alone say: enough to tell a sender why a message could not be read. */
export async function summariseHeaders(raw: Buffer): Promise<HeaderSummary> {
  const head = Buffer.concat([headerSection(raw), Buffer.from('\r\n\r\n')]);
  try {
    const p = await simpleParser(head, { skipHtmlToText: true, skipTextToHtml: true });
    const first = (v: typeof p.from) => (Array.isArray(v) ? v[0] : v)?.value.find((a: { address?: string }) => a.address);
    const from = first(p.from);
    const replyTo = first(p.replyTo);
    const header = (name: string) => String(p.headers.get(name) ?? '').toLowerCase();
    const listed = (v: typeof p.to) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).flatMap((o) => o.value.map((a: { address?: string }) => a.address ?? ''));
    const envelope = p.headerLines.filter((l) => l.key === 'delivered-to' || l.key === 'x-original-to').map((l) => l.line.slice(l.line.indexOf(':') + 1).trim().replace(/^<|>$/g, ''));
    const recipients = [...listed(p.to), ...listed(p.cc), ...envelope].map((a) => a.toLowerCase()).filter((a) => a !== '');
    const auto = header('auto-submitted');
    const precedence = header('precedence');
    const automatic =
      (auto !== '' && auto !== 'no') ||
      ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence) ||
      p.headers.has('list-id') ||
      /^<\s*>$/.test(String(p.headers.get('return-path') ?? '')) ||
      /mailer-daemon|postmaster/i.test(from?.address ?? '');
    return {
      from: from?.address ? { address: from.address.toLowerCase(), name: from.name ?? '' } : null,
      replyTo: replyTo?.address?.toLowerCase() ?? null,
      subject: p.subject ?? '',
      messageId: parseMessageIdList(p.messageId ?? null)[0] ?? null,
      references: [...parseMessageIdList(p.references ?? null), ...parseMessageIdList(p.inReplyTo ?? null)],
      recipients,
      automatic,
    };
  } catch {
    return { from: null, replyTo: null, subject: '', messageId: null, references: [], recipients: [], automatic: false };
  }
}

export interface RegisteredSender {
  /** the exporter user with this e-mail (null for the IEC's own company address) */
  userId: string | null;
  name: string;
}

/**
 * The e-mail addresses registered for an IEC: the IEC master record's e-mail, the e-mails of the users
 * it lists, and those of the users mapped to the IEC on the portal (not removed). Lower-case.
 */
export async function registeredAddresses(em: EntityManager, iec: string): Promise<Map<string, RegisteredSender>> {
  const out = new Map<string, RegisteredSender>();
  const record = await em.findOne(IecRecord, { iec });
  const users = await em.find(ExporterUser, { iec, status: { $ne: 'removed' } });
  for (const u of users) out.set(u.email.trim().toLowerCase(), { userId: u.id, name: u.name });
  if (record) {
    const data = record.data as { email?: unknown; users?: unknown };
    for (const u of iecUsersOf({ iec, users: data.users })) {
      const key = u.email.trim().toLowerCase();
      if (!out.has(key) && !users.some((x) => x.id === u.id && x.status === 'removed')) out.set(key, { userId: u.id, name: u.name });
    }
    if (typeof data.email === 'string' && !out.has(data.email.trim().toLowerCase())) {
      out.set(data.email.trim().toLowerCase(), { userId: null, name: record.firmName });
    }
  }
  return out;
}
