/**
 * Reply tokens bind a deficiency e-mail to one application and one deficiency round.
 *
 * The token travels in the reply address (`helpdesk+<token>@domain`, plus-addressing) and, as a fallback
 * for mail clients or gateways that drop the detail, in the subject (`[Ref: <token>]`).
 * token = <application number, lowercased, "/" as "_"> "." <round> "." <MAC>
 * MAC = first 80 bits of HMAC-SHA256(secret, "coo-reply/v1|<NUMBER>|<round>") in base32.
 * The number and round are readable so the ingester knows which workflow to signal; the MAC makes the
 * token impossible to forge or to move to another application or round without the secret.
 * Tokens are case-insensitive because some mail systems change the case of addresses.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ReplyTokenClaims {
  applicationNumber: string;
  round: number;
}

export type ReplyTokenCheck =
  | ({ ok: true } & ReplyTokenClaims)
  | { ok: false; reason: 'malformed' | 'bad_mac' | 'other_application' | 'other_round'; message: string };

/** The signing secret, or several (the first signs, all verify) to allow rotating it. */
export type ReplySecret = string | Buffer | readonly (string | Buffer)[];

const VERSION = 'coo-reply/v1';
const MAC_CHARS = 16; // 16 base32 chars = 80 bits
const NUMBER_RE = /^[A-Z0-9/]{4,40}$/;
const TOKEN_RE = /^([a-z0-9_]{4,40})\.(\d{1,4})\.([a-z2-7]{16})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function secrets(secret: ReplySecret): (string | Buffer)[] {
  const list = typeof secret === 'string' || Buffer.isBuffer(secret) ? [secret] : [...secret];
  if (list.length === 0) throw new Error('No reply-token secret configured');
  for (const s of list) {
    if ((typeof s === 'string' ? Buffer.byteLength(s) : s.length) < 16) throw new Error('A reply-token secret must be at least 16 bytes long');
  }
  return list;
}

function mac(secret: string | Buffer, claims: ReplyTokenClaims): string {
  return base32(createHmac('sha256', secret).update(`${VERSION}|${claims.applicationNumber}|${claims.round}`).digest()).slice(0, MAC_CHARS);
}

function checkClaims(claims: ReplyTokenClaims): void {
  if (!NUMBER_RE.test(claims.applicationNumber)) {
    throw new Error(`Application number "${claims.applicationNumber}" cannot go into a reply token (capital letters, digits and "/" only)`);
  }
  if (!Number.isInteger(claims.round) || claims.round < 1 || claims.round > 9999) {
    throw new Error(`Deficiency round must be a whole number from 1 to 9999, not ${claims.round}`);
  }
}

export function createReplyToken(claims: ReplyTokenClaims, secret: ReplySecret): string {
  checkClaims(claims);
  const [first] = secrets(secret);
  if (first === undefined) throw new Error('No reply-token secret configured');
  return `${claims.applicationNumber.toLowerCase().replaceAll('/', '_')}.${claims.round}.${mac(first, claims)}`;
}

/** Reads the claims of a token without checking it. Never act on them before verifyReplyToken. */
export function parseReplyToken(token: string): (ReplyTokenClaims & { mac: string }) | null {
  const m = TOKEN_RE.exec(token.trim().toLowerCase());
  if (!m) return null;
  const applicationNumber = (m[1] ?? '').toUpperCase().replaceAll('_', '/');
  const round = Number(m[2]);
  if (!NUMBER_RE.test(applicationNumber) || round < 1) return null;
  return { applicationNumber, round, mac: m[3] ?? '' };
}

/**
 * Checks a token's MAC (in constant time) and, when `expected` is given, that it belongs to that
 * application and round.
 */
export function verifyReplyToken(token: string, secret: ReplySecret, expected?: Partial<ReplyTokenClaims>): ReplyTokenCheck {
  const parsed = parseReplyToken(token);
  if (!parsed) return { ok: false, reason: 'malformed', message: 'The reply reference is not in the expected form.' };
  const given = Buffer.from(parsed.mac, 'latin1');
  let valid = false;
  for (const s of secrets(secret)) {
    const want = Buffer.from(mac(s, parsed), 'latin1');
    if (want.length === given.length && timingSafeEqual(want, given)) valid = true;
  }
  if (!valid) return { ok: false, reason: 'bad_mac', message: 'The reply reference is not valid: it was altered or not issued by this system.' };
  if (expected?.applicationNumber !== undefined && expected.applicationNumber.toUpperCase() !== parsed.applicationNumber) {
    return { ok: false, reason: 'other_application', message: `The reply reference belongs to application ${parsed.applicationNumber}, not ${expected.applicationNumber}.` };
  }
  if (expected?.round !== undefined && expected.round !== parsed.round) {
    return { ok: false, reason: 'other_round', message: `The reply reference belongs to deficiency round ${parsed.round}, not round ${expected.round}.` };
  }
  return { ok: true, applicationNumber: parsed.applicationNumber, round: parsed.round };
}

/** `helpdesk@coo.test` + token → `helpdesk+<token>@coo.test` */
export function replyAddress(mailbox: string, token: string): string {
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) throw new Error(`"${mailbox}" is not an e-mail address`);
  const local = mailbox.slice(0, at);
  if (local.includes('+')) throw new Error(`"${mailbox}" already has a +detail`);
  const address = `${local}+${token}${mailbox.slice(at)}`;
  if (local.length + 1 + token.length > 64) throw new Error(`Reply address "${address}" is longer than e-mail allows (64 characters before the @)`);
  return address;
}

/** The +detail of an address at `mailbox` (compared without case), or null. */
export function plusDetail(address: string, mailbox: string): string | null {
  const a = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const box = mailbox.toLowerCase();
  const at = a.lastIndexOf('@');
  const boxAt = box.lastIndexOf('@');
  if (at < 0 || boxAt < 0 || a.slice(at) !== box.slice(boxAt)) return null;
  const local = a.slice(0, at);
  const boxLocal = box.slice(0, boxAt);
  if (!local.startsWith(`${boxLocal}+`)) return null;
  const detail = local.slice(boxLocal.length + 1);
  return detail === '' ? null : detail;
}

/** The subject tag carrying the token, e.g. "[Ref: hqrccoapply00000019am25.1.abcd…]". */
export function subjectTag(token: string): string {
  return `[Ref: ${token}]`;
}

export function tokenFromSubject(subject: string): string | null {
  const m = /\[\s*ref\s*:\s*([a-z0-9_]{4,40}\.\d{1,4}\.[a-z2-7]{16})\s*\]/i.exec(subject);
  return m?.[1]?.toLowerCase() ?? null;
}
