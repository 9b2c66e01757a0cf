/**
 * Inbound mail → one normalised message: addresses, threading headers, the reply token, the text
 * (full and with quoted history and signature stripped), attachments as bytes, and the S/MIME status.
 * Built on mailparser. Input that is not an e-mail, or is too large, gives an AppError with a
 * plain-words message (codes mail_malformed, mail_too_large); nothing here throws anything else.
 * So does damaged or hostile MIME (mime-check.ts: a multipart not closed, invalid base64, an unknown
 * transfer encoding; an attachment name refused by fileNameRefusal): mail_malformed with
 * `details.problems`, each defect with what the sender can do about it. Such a message is never used
 * in part.
 */
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { htmlToText } from './html-to-text.js';
import { withoutNul } from '../../lib/text.js';
import { parseMessageIdList } from './message-id.js';
import { plusDetail, tokenFromSubject } from './reply-token.js';
import { splitReply } from './strip-reply.js';
import { extractOpaqueContent, smimeKind, verifySmime, type SmimeResult } from './verify-smime.js';
import { findMimeDefects, type MimeDefect } from './mime-check.js';
import { fileNameRefusal, sanitizeFileName } from '../../domain/application/sanitize-file-name.js';

export interface InboundAddress {
  /** lower-case */
  address: string;
  name: string;
}

export interface InboundAttachment {
  filename: string | null;
  /** as declared by the sender: not trusted (see attachments.ts for the content check) */
  contentType: string;
  size: number;
  content: Buffer;
  contentId: string | null;
  /** part of the HTML body (multipart/related), such as a logo in a signature */
  embedded: boolean;
}

export interface InboundMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: InboundAddress | null;
  replyTo: InboundAddress[];
  to: InboundAddress[];
  cc: InboundAddress[];
  /** envelope recipients recorded by the receiving server (Delivered-To, X-Original-To) */
  deliveredTo: string[];
  subject: string;
  date: Date | null;
  text: {
    /** the whole text body (from the HTML part when there is no text part) */
    full: string;
    /** the new text: quoted history and signature removed */
    reply: string;
    signature: string;
  };
  html: string | null;
  attachments: InboundAttachment[];
  /** the reply token, from the +detail of a recipient at the mailbox, else from a [Ref: …] subject tag */
  replyToken: string | null;
  replyTokenSource: 'address' | 'subject' | null;
  smime: {
    kind: 'detached' | 'opaque' | 'encrypted' | null;
    /** null when the message is not signed */
    verification: SmimeResult | null;
  };
  /** set for auto-replies, bounces and bulk mail, which must never be answered automatically */
  automatic: 'auto-reply' | 'bounce' | 'bulk' | null;
  sizeBytes: number;
}

export interface ParseOptions {
  /** the mailbox whose +detail carries reply tokens, e.g. helpdesk@coo.test */
  mailbox?: string;
  /** default 30 MB: five 5 MB files grow by a third in base64 */
  maxBytes?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 30 * 1024 * 1024;

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pkcs7-mime', 'application/x-pkcs7-mime']);

function malformed(message: string, cause?: unknown): AppError {
  return new AppError(ErrorCode.MailMalformed, message, cause === undefined ? {} : { cause });
}

/** The MIME defects found, as one refusal: `details.problems` lists them with their fixes. */
function damaged(defects: MimeDefect[]): AppError {
  const shown = defects.slice(0, 10);
  const more = defects.length > shown.length ? ` (and ${defects.length - shown.length} more problems of the same kind)` : '';
  return new AppError(ErrorCode.MailMalformed, `The message cannot be used as it arrived: ${shown.map((d) => d.problem).join(' ')}${more}`, {
    details: { problems: shown },
  });
}

/** Attachment names that are refused outright (folders, "..", control or direction characters, too long, Windows devices). */
function fileNameDefects(attachments: Attachment[]): MimeDefect[] {
  const out: MimeDefect[] = [];
  for (const a of attachments) {
    const why = a.filename ? fileNameRefusal(a.filename) : null;
    if (!why) continue;
    out.push({
      kind: 'file-name',
      problem: `The name of the attachment "${sanitizeFileName(a.filename ?? '')}" is not accepted: ${why}.`,
      fix: 'Please rename the file to a plain name (letters, digits, spaces, "-" and "_", such as invoice-118.pdf), attach it to a new e-mail and send it again.',
    });
  }
  return out;
}

function addresses(obj: AddressObject | AddressObject[] | undefined): InboundAddress[] {
  const list = obj === undefined ? [] : Array.isArray(obj) ? obj : [obj];
  const out: InboundAddress[] = [];
  const walk = (values: AddressObject['value']) => {
    for (const v of values) {
      if (v.group) walk(v.group);
      else if (v.address) out.push({ address: withoutNul(v.address.toLowerCase()), name: withoutNul(v.name ?? '') });
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

function headerStrings(parsed: ParsedMail, name: string): string[] {
  return parsed.headerLines.filter((l) => l.key === name).map((l) => l.line.slice(l.line.indexOf(':') + 1).trim());
}

function automaticKind(parsed: ParsedMail): InboundMessage['automatic'] {
  const h = parsed.headers;
  const str = (name: string) => {
    const v = h.get(name);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v.toLowerCase();
    if (typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value.toLowerCase();
    return String(v).toLowerCase();
  };
  const ct = str('content-type');
  const returnPath = headerStrings(parsed, 'return-path');
  if (ct.startsWith('multipart/report') || returnPath.some((r) => /^<\s*>$/.test(r))) return 'bounce';
  const auto = str('auto-submitted');
  if ((auto && auto !== 'no') || h.has('x-autoreply') || h.has('x-autorespond')) return 'auto-reply';
  const precedence = str('precedence');
  if (precedence === 'auto_reply') return 'auto-reply';
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list' || h.has('list-id') || h.has('list-unsubscribe')) return 'bulk';
  return null;
}

/** A header section must come first: "Name: value" lines (an mbox "From " line is tolerated). */
function looksLikeMessage(raw: Buffer): boolean {
  const head = raw.subarray(0, 4096).toString('latin1').replace(/^(\r?\n)+/, '');
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  if (/^From \S/.test(firstLine)) return true;
  return /^[!-9;-~]+:/.test(firstLine);
}

async function parse(raw: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true });
  } catch (e) {
    throw malformed('The message could not be read as an e-mail (its MIME structure is broken).', e);
  }
}

export async function parseInboundMessage(input: Buffer | string, opts: ParseOptions = {}): Promise<InboundMessage> {
  const raw = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (raw.length > maxBytes) {
    const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
    throw new AppError(ErrorCode.MailTooLarge, `The message is ${mb(raw.length)}; at most ${mb(maxBytes)} is accepted.`, {
      status: 413,
      details: { sizeBytes: raw.length, maxBytes },
    });
  }
  if (raw.toString('latin1').trim() === '') throw malformed('The message is empty.');
  if (!looksLikeMessage(raw)) throw malformed('This is not an e-mail message: it does not start with mail headers.');

  const outer = await parse(raw);
  if (!outer.from && !outer.subject && !outer.messageId && !outer.date) {
    throw malformed('This is not an e-mail message: it has no From, Subject, Date or Message-ID header.');
  }

  const defects = findMimeDefects(raw);
  const kind = smimeKind(raw);
  let verification: SmimeResult | null = null;
  let body: ParsedMail = outer;
  if (kind !== null && defects.length === 0) {
    verification = verifySmime(raw);
    if (kind === 'opaque') {
      // The text and files of an opaque message are inside the signature: read them, verified or not.
      const inner = verification.ok ? verification.content : extractOpaqueContent(raw);
      if (inner) {
        defects.push(...findMimeDefects(inner));
        if (defects.length === 0) body = await parse(inner);
      }
    }
  }
  defects.push(...fileNameDefects(body.attachments));
  if (defects.length > 0) throw damaged(defects);

  const attachments: InboundAttachment[] = body.attachments
    .filter((a: Attachment) => !SIGNATURE_TYPES.has(a.contentType.toLowerCase()))
    .map((a: Attachment) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size,
      content: a.content,
      contentId: a.cid ?? null,
      embedded: a.related === true,
    }));

  // NUL characters never reach storage or a reply (lib/text.ts)
  const html = typeof body.html === 'string' ? withoutNul(body.html) : null;
  const textBody = withoutNul(body.text ?? '');
  let full: string;
  let split: ReturnType<typeof splitReply>;
  if (textBody.trim() !== '' || html === null) {
    full = textBody;
    split = splitReply(textBody);
  } else {
    full = htmlToText(html);
    split = splitReply(htmlToText(html, { forReply: true }));
  }

  const to = addresses(outer.to);
  const cc = addresses(outer.cc);
  const deliveredTo = [...headerStrings(outer, 'delivered-to'), ...headerStrings(outer, 'x-original-to')].map((a) => a.replace(/^<|>$/g, '').toLowerCase());
  const subject = withoutNul(outer.subject ?? '');
  let replyToken: string | null = null;
  let replyTokenSource: InboundMessage['replyTokenSource'] = null;
  if (opts.mailbox) {
    for (const a of [...to.map((x) => x.address), ...cc.map((x) => x.address), ...deliveredTo]) {
      const detail = plusDetail(a, opts.mailbox);
      if (detail) {
        replyToken = detail;
        replyTokenSource = 'address';
        break;
      }
    }
  }
  if (!replyToken) {
    const fromSubject = tokenFromSubject(subject);
    if (fromSubject) {
      replyToken = fromSubject;
      replyTokenSource = 'subject';
    }
  }

  const [messageId] = parseMessageIdList(outer.messageId ?? null);
  const [inReplyTo] = parseMessageIdList(outer.inReplyTo ?? null);
  const date = outer.date && !Number.isNaN(outer.date.getTime()) ? outer.date : null;
  return {
    messageId: messageId ?? null,
    inReplyTo: inReplyTo ?? null,
    references: parseMessageIdList(outer.references ?? null),
    from: addresses(outer.from)[0] ?? null,
    replyTo: addresses(outer.replyTo),
    to,
    cc,
    deliveredTo,
    subject,
    date,
    text: { full: full.replace(/\r\n?/g, '\n').trim(), reply: split.reply, signature: split.signature },
    html,
    attachments,
    replyToken,
    replyTokenSource,
    smime: { kind, verification },
    automatic: automaticKind(outer),
    sizeBytes: raw.length,
  };
}
