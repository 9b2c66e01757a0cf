/**
 * Stable Message-IDs, so that every mail about one application (or one helpdesk ticket) threads in the
 * exporter's mail client and a retried send produces the same ID. They identify, they do not
 * authenticate: anyone can copy a Message-ID, so replies are bound by the reply token, not by these.
 *
 *   <app-HQRCCOAPPLY00000019AM25-deficiency-2@coo.test>
 *   <ticket-HD-2025-000123-reply-3@coo.test>
 */

/** The events the application mails about; other lower-case names (e.g. "reply-problems") are allowed too. */
export type ApplicationMailEvent = 'submission' | 'deficiency' | 'reminder-payment' | 'reminder-deficiency' | 'approval' | 'rejection';

const NUMBER_RE = /^[A-Za-z0-9/._]+$/;
const EVENT_RE = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;
const DOMAIN_RE = /^[A-Za-z0-9.-]+$/;

function checkDomain(domain: string): void {
  if (!DOMAIN_RE.test(domain)) throw new Error(`"${domain}" is not a mail domain`);
}

/** `<app-<number>-<event>-<round>@domain>`; `round` is the deficiency round (0 before any deficiency). */
export function applicationMessageId(a: { applicationNumber: string; event: ApplicationMailEvent | (string & {}); round: number; domain: string }): string {
  if (!NUMBER_RE.test(a.applicationNumber)) throw new Error(`Application number "${a.applicationNumber}" cannot go into a Message-ID`);
  if (!EVENT_RE.test(a.event)) throw new Error(`Mail event "${a.event}" must be lower-case letters, digits and dashes`);
  if (!Number.isInteger(a.round) || a.round < 0) throw new Error(`Round must be a whole number, not ${a.round}`);
  checkDomain(a.domain);
  return `<app-${a.applicationNumber}-${a.event}-${a.round}@${a.domain}>`;
}

export function parseApplicationMessageId(id: string): { applicationNumber: string; event: string; round: number; domain: string } | null {
  const m = /^<?app-([A-Za-z0-9/._]+)-([a-z][a-z0-9-]*)-(\d+)@([A-Za-z0-9.-]+)>?$/.exec(id.trim());
  if (!m) return null;
  return { applicationNumber: m[1] ?? '', event: m[2] ?? '', round: Number(m[3]), domain: (m[4] ?? '').toLowerCase() };
}

/** `<ticket-<number>-<seq>@domain>`: seq 0 is the acknowledgement, then 1, 2… for each answer. */
export function ticketMessageId(t: { ticketNumber: string; seq: number; domain: string }): string {
  if (!/^[A-Za-z0-9._-]+$/.test(t.ticketNumber)) throw new Error(`Ticket number "${t.ticketNumber}" cannot go into a Message-ID`);
  if (!Number.isInteger(t.seq) || t.seq < 0) throw new Error(`Sequence must be a whole number, not ${t.seq}`);
  checkDomain(t.domain);
  return `<ticket-${t.ticketNumber}-m${t.seq}@${t.domain}>`;
}

export function parseTicketMessageId(id: string): { ticketNumber: string; seq: number; domain: string } | null {
  const m = /^<?ticket-([A-Za-z0-9._-]+)-m(\d+)@([A-Za-z0-9.-]+)>?$/.exec(id.trim());
  if (!m) return null;
  return { ticketNumber: m[1] ?? '', seq: Number(m[2]), domain: (m[3] ?? '').toLowerCase() };
}

/** The Message-IDs in a Message-ID, In-Reply-To or References header, in order, each as `<…>`. */
export function parseMessageIdList(header: string | string[] | null | undefined): string[] {
  if (header === null || header === undefined) return [];
  const text = Array.isArray(header) ? header.join(' ') : header;
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => `<${m[1]}>`);
  if (ids.length > 0) return ids;
  // Some clients drop the angle brackets.
  return text
    .split(/[\s,]+/)
    .filter((t) => /^[^@\s]+@[^@\s]+$/.test(t))
    .map((t) => `<${t}>`);
}

const MAX_REFERENCES = 20;

/**
 * Headers for a message answering `parent`: In-Reply-To is the parent's ID, References the parent's
 * references plus the parent (the first one and the most recent ones when the chain grows long).
 */
export function replyHeaders(parent: { messageId: string; references?: string[] | string | null }): { inReplyTo: string; references: string[] } {
  const [parentId] = parseMessageIdList(parent.messageId);
  if (!parentId) throw new Error(`"${parent.messageId}" is not a Message-ID`);
  const chain = [...parseMessageIdList(parent.references ?? null).filter((r) => r !== parentId), parentId];
  const unique = chain.filter((id, i) => chain.indexOf(id) === i);
  const references = unique.length > MAX_REFERENCES ? [unique[0] ?? parentId, ...unique.slice(-(MAX_REFERENCES - 1))] : unique;
  return { inReplyTo: parentId, references };
}

/** The subject tag that threads helpdesk mail by ticket, e.g. "[Ticket HD-2025-000123]". */
export function ticketTag(ticketNumber: string): string {
  return `[Ticket ${ticketNumber}]`;
}

export function ticketNumberFromSubject(subject: string): string | null {
  const m = /\[\s*ticket\s*#?\s*([A-Za-z0-9._-]+)\s*\]/i.exec(subject);
  return m?.[1]?.toUpperCase() ?? null;
}

/** "RE: Fwd: AW: subject" → "subject", for matching a reply to its thread by subject. */
export function baseSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(re|fw|fwd|aw|wg|sv|vs|antw|réf|rif|tr)\s*(\[\d+\])?\s*:\s*/i, '').trim();
    if (next === s) return s;
    s = next;
  }
}
